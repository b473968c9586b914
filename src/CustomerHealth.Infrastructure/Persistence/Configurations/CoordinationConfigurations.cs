using CustomerHealth.Infrastructure.Coordination;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class WorkLeaseConfiguration : IEntityTypeConfiguration<WorkLease>
{
    public void Configure(EntityTypeBuilder<WorkLease> builder)
    {
        builder.ToTable("work_leases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasColumnName("name").HasMaxLength(WorkLease.MaxNameLength);
        builder.Property(l => l.Holder).HasColumnName("holder").HasMaxLength(WorkLease.MaxHolderLength).IsRequired();
        builder.Property(l => l.ExpiresAt).HasColumnName("expires_at");
    }
}
