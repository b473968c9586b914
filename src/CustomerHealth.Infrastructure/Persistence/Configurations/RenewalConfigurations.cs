using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Renewals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class RenewalModelConfiguration : IEntityTypeConfiguration<RenewalModelRow>
{
    public void Configure(EntityTypeBuilder<RenewalModelRow> builder)
    {
        builder.ToTable("renewal_models");
        builder.HasKey(m => m.Version);
        builder.Property(m => m.Version).HasColumnName("version").ValueGeneratedNever();
        builder.Property(m => m.Kind).HasColumnName("kind");
        builder.Property(m => m.Serving).HasColumnName("serving");
        builder.Property(m => m.TrainedAt).HasColumnName("trained_at");
        builder.Property(m => m.Trigger).HasColumnName("trigger").HasMaxLength(16).IsRequired();
        builder.Property(m => m.LeadDays).HasColumnName("lead_days");
        builder.Property(m => m.OutcomeCount).HasColumnName("outcome_count");
        builder.Property(m => m.ModelBytes).HasColumnName("model").IsRequired();
        builder.Property(m => m.DetailJson).HasColumnName("detail").IsRequired();
        builder.HasIndex(m => m.Serving).HasDatabaseName("ix_renewal_models_serving");
    }
}

internal sealed class RenewalPredictionConfiguration : IEntityTypeConfiguration<RenewalPredictionRow>
{
    public void Configure(EntityTypeBuilder<RenewalPredictionRow> builder)
    {
        // No foreign key: a row whose contract is gone or decided is removed by the worker, which says so in the feed.
        builder.ToTable("renewal_predictions");
        builder.HasKey(p => p.ContractId);
        builder.Property(p => p.ContractId).HasColumnName("contract_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(p => p.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength).IsRequired();
        builder.Property(p => p.RenewalDate).HasColumnName("renewal_date");
        builder.Property(p => p.ArrMicros).HasColumnName("arr_micros");
        builder.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength().IsRequired();
        builder.Property(p => p.Probability).HasColumnName("probability");
        builder.Property(p => p.Risk).HasColumnName("risk");
        builder.Property(p => p.ExpectedArrMicros).HasColumnName("expected_arr_micros");
        builder.Property(p => p.ArrChangeRatio).HasColumnName("arr_change_ratio");
        builder.Property(p => p.DriversJson).HasColumnName("drivers").IsRequired();
        builder.Property(p => p.ModelKind).HasColumnName("model_kind");
        builder.Property(p => p.ModelVersion).HasColumnName("model_version");
        builder.Property(p => p.HealthScore).HasColumnName("health_score");
        builder.Property(p => p.AsOf).HasColumnName("as_of");
        builder.Property(p => p.ComputedAt).HasColumnName("computed_at");
        // The two list orders (keyset paging with the contract id as tie-breaker) and the per-account lookup.
        builder.HasIndex(p => new { p.RenewalDate, p.ContractId }).HasDatabaseName("ix_renewal_predictions_date");
        builder.HasIndex(p => new { p.Probability, p.ContractId })
            .HasDatabaseName("ix_renewal_predictions_probability");
        builder.HasIndex(p => p.AccountId).HasDatabaseName("ix_renewal_predictions_account");
    }
}

internal sealed class RenewalPredictionChangeConfiguration : IEntityTypeConfiguration<RenewalPredictionChangeRow>
{
    public void Configure(EntityTypeBuilder<RenewalPredictionChangeRow> builder)
    {
        // No foreign key: the feed outlives the contracts it reports removed.
        builder.ToTable(SqlSchema.RenewalPredictionChanges.Table);
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
        builder.Property(c => c.ContractId).HasColumnName("contract_id").HasMaxLength(Identifiers.MaxLength)
            .IsRequired();
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength).IsRequired();
        builder.Property(c => c.Reason).HasColumnName("reason");
        builder.Property(c => c.PreviousProbability).HasColumnName("previous_probability");
        builder.Property(c => c.PreviousRisk).HasColumnName("previous_risk");
        builder.Property(c => c.Probability).HasColumnName("probability");
        builder.Property(c => c.Risk).HasColumnName("risk");
        builder.Property(c => c.ModelVersion).HasColumnName("model_version");
        builder.Property(c => c.RenewalDate).HasColumnName("renewal_date");
        builder.Property(c => c.ComputedAt).HasColumnName("computed_at");
        // A contract's last entry, which its next prediction is compared with.
        builder.HasIndex(c => new { c.ContractId, c.Sequence })
            .HasDatabaseName("ix_renewal_prediction_changes_contract");
    }
}

internal sealed class RenewalHoldoutConfiguration : IEntityTypeConfiguration<RenewalHoldoutRow>
{
    public void Configure(EntityTypeBuilder<RenewalHoldoutRow> builder)
    {
        // No foreign keys: the rows record an evaluation, and outlive a contract deleted since (the model's version is
        // never deleted). The key is the listing order (keyset paging by renewal date, then contract id).
        builder.ToTable("renewal_model_holdout");
        builder.HasKey(h => new { h.ModelVersion, h.RenewalDate, h.ContractId });
        builder.Property(h => h.ModelVersion).HasColumnName("model_version").ValueGeneratedNever();
        builder.Property(h => h.RenewalDate).HasColumnName("renewal_date");
        builder.Property(h => h.ContractId).HasColumnName("contract_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(h => h.Renewed).HasColumnName("renewed");
        builder.Property(h => h.Probability).HasColumnName("probability");
        builder.Property(h => h.PriorProbability).HasColumnName("prior_probability");
    }
}
