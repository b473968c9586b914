using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.ToTable(SqlSchema.Accounts.Table);
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasColumnName(SqlSchema.Accounts.Id).HasMaxLength(Identifiers.MaxLength);
        builder.Property(a => a.DisplayName).HasColumnName("display_name")
            .HasMaxLength(AccountDetails.MaxDisplayNameLength).IsRequired();
        builder.Property(a => a.Segment).HasColumnName("segment").HasMaxLength(AccountDetails.MaxSegmentLength);
        builder.Property(a => a.Owner).HasColumnName("owner").HasMaxLength(AccountDetails.MaxOwnerLength);
        builder.Property(a => a.AssignedTier).HasColumnName("assigned_tier");
        builder.Property(a => a.EffectiveTier).HasColumnName("effective_tier");
        builder.Property(a => a.TierUnconverted).HasColumnName("tier_unconverted");
        builder.Property(a => a.CreatedAt).HasColumnName("created_at");
        builder.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        builder.Ignore(a => a.TierDerived);
        // No foreign key: the stores check the link and detach children when a parent is deleted
        // (docs/adr/0073-account-hierarchy-as-a-checked-parent-link.md); adding one would rebuild the table on SQLite.
        builder.Property(a => a.ParentId).HasColumnName(SqlSchema.Accounts.ParentId)
            .HasMaxLength(Identifiers.MaxLength);

        // Dashboard filters page by id within a tier / owner / segment.
        builder.HasIndex(a => new { a.EffectiveTier, a.Id }).HasDatabaseName("ix_accounts_effective_tier");
        builder.HasIndex(a => new { a.Owner, a.Id }).HasDatabaseName("ix_accounts_owner");
        builder.HasIndex(a => new { a.Segment, a.Id }).HasDatabaseName("ix_accounts_segment");
        // A tree is read level by level: the children of a set of accounts.
        builder.HasIndex(a => a.ParentId).HasDatabaseName("ix_accounts_parent_account_id");
    }
}
