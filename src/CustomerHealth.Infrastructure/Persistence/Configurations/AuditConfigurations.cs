using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEventRow>
{
    public void Configure(EntityTypeBuilder<AuditEventRow> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(e => e.At).HasColumnName("at");
        builder.Property(e => e.Action).HasColumnName("action");
        builder.Property(e => e.Rpc).HasColumnName("rpc").HasMaxLength(200);
        builder.Property(e => e.Caller).HasColumnName("caller").HasMaxLength(Caller.MaxLength);
        builder.Property(e => e.CallerKind).HasColumnName("caller_kind");
        builder.Property(e => e.OnBehalfOf).HasColumnName("on_behalf_of").HasMaxLength(Caller.MaxLength);
        builder.Property(e => e.TargetType).HasColumnName("target_type").HasMaxLength(40);
        // No foreign key: the trail outlives the accounts it names.
        builder.Property(e => e.TargetId).HasColumnName("target_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(e => e.BeforeJson).HasColumnName("before_json");
        builder.Property(e => e.AfterJson).HasColumnName("after_json");
        builder.Property(e => e.DetailsJson).HasColumnName("details_json");
        builder.HasIndex(e => new { e.Caller, e.Id }).HasDatabaseName("ix_audit_events_caller");
        builder
            .HasIndex(e => new
            {
                e.TargetType,
                e.TargetId,
                e.Id,
            })
            .HasDatabaseName("ix_audit_events_target");
        builder.HasIndex(e => e.At).HasDatabaseName("ix_audit_events_at");
    }
}
