using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class HealthScoreConfiguration : IEntityTypeConfiguration<HealthScoreRow>
{
    public void Configure(EntityTypeBuilder<HealthScoreRow> builder)
    {
        builder.ToTable("health_scores");
        builder.Ignore(s => s.PlayFacts);
        builder.HasKey(s => s.AccountId);
        builder.Property(s => s.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(s => s.Score).HasColumnName("score");
        builder.Property(s => s.Band).HasColumnName("band");
        builder.Property(s => s.Tier).HasColumnName("tier");
        builder.Property(s => s.Stage).HasColumnName("lifecycle_stage");
        builder.Property(s => s.EffectiveAccount).HasColumnName("effective_account");
        builder.Property(s => s.MonthlyActiveUsers).HasColumnName("monthly_active_users");
        builder.Property(s => s.FirstActiveDay).HasColumnName("first_active_day");
        builder.Property(s => s.FirstValueDay).HasColumnName("first_value_day");
        builder.Property(s => s.CompletenessShare).HasColumnName("completeness");
        builder.Property(s => s.DetailJson).HasColumnName("detail").IsRequired();
        builder.Property(s => s.Change7Days).HasColumnName("change_7d");
        builder.Property(s => s.Change30Days).HasColumnName("change_30d");
        builder.Property(s => s.ScorecardVersion).HasColumnName("scorecard_version");
        builder.Property(s => s.AsOf).HasColumnName("as_of");
        builder.Property(s => s.ComputedAt).HasColumnName("computed_at");
        builder.Property(s => s.RenewalDate).HasColumnName("renewal_date");
        builder.Property(s => s.ArrMicros).HasColumnName("arr_micros");
        builder.Property(s => s.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        builder.HasOne<Account>().WithOne().HasForeignKey<HealthScoreRow>(s => s.AccountId)
            .OnDelete(DeleteBehavior.Cascade);
        // The list orders, each with the id as tie-breaker (keyset paging).
        builder.HasIndex(s => new { s.Score, s.AccountId }).HasDatabaseName("ix_health_scores_score");
        builder.HasIndex(s => new { s.ArrMicros, s.AccountId }).HasDatabaseName("ix_health_scores_arr");
        builder.HasIndex(s => new { s.RenewalDate, s.AccountId }).HasDatabaseName("ix_health_scores_renewal");
        builder.HasIndex(s => new { s.Band, s.AccountId }).HasDatabaseName("ix_health_scores_band");
        builder.HasIndex(s => new { s.Change7Days, s.AccountId }).HasDatabaseName("ix_health_scores_change_7d");
        // The read model's poll of scores written lately by other replicas (ADR 0072).
        builder.HasIndex(s => s.ComputedAt).HasDatabaseName("ix_health_scores_computed");
        builder.Ignore(s => s.Override);
    }
}

internal sealed class HealthSnapshotConfiguration : IEntityTypeConfiguration<HealthSnapshotRow>
{
    public void Configure(EntityTypeBuilder<HealthSnapshotRow> builder)
    {
        builder.ToTable("health_snapshots");
        builder.HasKey(s => new { s.AccountId, s.Day });
        builder.Property(s => s.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(s => s.Day).HasColumnName("day");
        builder.Property(s => s.Score).HasColumnName("score");
        builder.Property(s => s.Band).HasColumnName("band");
        builder.Property(s => s.Stage).HasColumnName("lifecycle_stage");
        builder.Property(s => s.EffectiveAccount).HasColumnName("effective_account");
        builder.Property(s => s.MonthlyActiveUsers).HasColumnName("monthly_active_users");
        builder.Property(s => s.ScorecardVersion).HasColumnName("scorecard_version");
        builder.Property(s => s.DetailJson).HasColumnName("detail").IsRequired();
        builder.Property(s => s.ComputedAt).HasColumnName("computed_at");
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScorecardConfiguration : IEntityTypeConfiguration<ScorecardRow>
{
    public void Configure(EntityTypeBuilder<ScorecardRow> builder)
    {
        builder.ToTable("health_scorecards");
        builder.HasKey(s => s.Version);
        builder.Property(s => s.Version).HasColumnName("version").ValueGeneratedNever();
        builder.Property(s => s.PayloadJson).HasColumnName("payload").IsRequired();
        builder.Property(s => s.UpdatedBy).HasColumnName("updated_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(s => s.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class HealthRecomputeConfiguration : IEntityTypeConfiguration<HealthRecomputeRow>
{
    public void Configure(EntityTypeBuilder<HealthRecomputeRow> builder)
    {
        builder.ToTable(SqlSchema.HealthRecomputeQueue.Table);
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(q => q.AccountId).HasColumnName(SqlSchema.HealthRecomputeQueue.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(q => q.DueAt).HasColumnName(SqlSchema.HealthRecomputeQueue.DueAt);
        builder.HasOne<Account>().WithMany().HasForeignKey(q => q.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(q => q.DueAt).HasDatabaseName("ix_health_recompute_queue_due");
        builder.HasIndex(q => new { q.AccountId, q.Id }).HasDatabaseName("ix_health_recompute_queue_account");
    }
}

internal sealed class HealthChangeConfiguration : IEntityTypeConfiguration<HealthChangeRow>
{
    public void Configure(EntityTypeBuilder<HealthChangeRow> builder)
    {
        builder.ToTable(SqlSchema.HealthChanges.Table);
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.PreviousScore).HasColumnName("previous_score");
        builder.Property(c => c.PreviousBand).HasColumnName("previous_band");
        builder.Property(c => c.Score).HasColumnName("score");
        builder.Property(c => c.Band).HasColumnName("band");
        builder.Property(c => c.Reason).HasColumnName("reason");
        builder.Property(c => c.Tier).HasColumnName("tier");
        builder.Property(c => c.AsOf).HasColumnName("as_of");
        builder.Property(c => c.ComputedAt).HasColumnName("computed_at");
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
        // The account's last entry, which the next score is compared with.
        builder.HasIndex(c => new { c.AccountId, c.Sequence }).HasDatabaseName("ix_health_changes_account");
    }
}

internal sealed class HealthOverrideConfiguration : IEntityTypeConfiguration<HealthOverrideRow>
{
    public void Configure(EntityTypeBuilder<HealthOverrideRow> builder)
    {
        builder.ToTable("health_overrides");
        builder.HasKey(o => o.AccountId);
        builder.Property(o => o.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(o => o.Score).HasColumnName("score");
        builder.Property(o => o.Band).HasColumnName("band");
        builder.Property(o => o.Reason).HasColumnName("reason")
            .HasMaxLength(Domain.Health.HealthOverride.MaxReasonLength);
        builder.Property(o => o.SetBy).HasColumnName("set_by")
            .HasMaxLength(Domain.Health.HealthOverride.MaxActorLength);
        builder.Property(o => o.SetAt).HasColumnName("set_at");
        builder.Property(o => o.ExpiresAt).HasColumnName("expires_at");
        builder.HasOne<Account>().WithOne().HasForeignKey<HealthOverrideRow>(o => o.AccountId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
