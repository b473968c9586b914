using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.ToTable("contacts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("contact_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.DisplayName).HasColumnName("display_name")
            .HasMaxLength(ContactDetails.MaxDisplayNameLength).IsRequired();
        builder.Property(c => c.Email).HasColumnName("email").HasMaxLength(ContactDetails.MaxEmailLength);
        builder.Property(c => c.Title).HasColumnName("title").HasMaxLength(ContactDetails.MaxTitleLength);
        builder.Property(c => c.Role).HasColumnName("role");
        builder.Property(c => c.UsageUserId).HasColumnName("usage_user_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.LeftOn).HasColumnName("left_on");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.Ignore(c => c.Left);

        // Listed per account by id; the champion signal reads an account's champions.
        builder.HasIndex(c => new { c.AccountId, c.Id }).HasDatabaseName("ix_contacts_account_id");
        // Person-data erasure finds a person's contacts by their usage user id.
        builder.HasIndex(c => c.UsageUserId).HasDatabaseName("ix_contacts_usage_user_id");
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
