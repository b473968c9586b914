using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> builder)
    {
        builder.ToTable("contracts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("contract_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength).IsRequired();
        builder.Property(c => c.ArrAmount).HasColumnName("arr_micros").HasConversion<MicrosConverter>();
        builder.Property(c => c.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength().IsRequired();
        builder.Property(c => c.Seats).HasColumnName("seats");
        builder.Property(c => c.StartDate).HasColumnName("start_date");
        builder.Property(c => c.EndDate).HasColumnName("end_date");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.Ignore(c => c.Arr);

        builder.OwnsOne(c => c.Outcome, outcome =>
        {
            outcome.Property(o => o.Kind).HasColumnName("outcome_kind");
            outcome.Property(o => o.NewArr).HasColumnName("outcome_new_arr_micros").HasConversion<MicrosConverter>();
            outcome.Property(o => o.DecisionDate).HasColumnName("outcome_decision_date");
            outcome.Property(o => o.RenewalContractId).HasColumnName("outcome_renewal_contract_id")
                .HasMaxLength(Identifiers.MaxLength);
            outcome.Property(o => o.Note).HasColumnName("outcome_note").HasMaxLength(RenewalOutcomeInput.MaxNoteLength);
            outcome.Property(o => o.RecordedAt).HasColumnName("outcome_recorded_at");
        });
        builder.Navigation(c => c.Outcome).IsRequired(false);

        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.AccountId, c.StartDate, c.Id }).HasDatabaseName("ix_contracts_account_start");
        // Renewal bots look up contracts by renewal date.
        builder.HasIndex(c => c.EndDate).HasDatabaseName("ix_contracts_end_date");
    }
}
