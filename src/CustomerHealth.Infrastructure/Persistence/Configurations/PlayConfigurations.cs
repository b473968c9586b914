using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Plays;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class PlayConfiguration : IEntityTypeConfiguration<Play>
{
    public void Configure(EntityTypeBuilder<Play> builder)
    {
        builder.ToTable("plays");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasColumnName("play_id").ValueGeneratedOnAdd();
        builder.Property(p => p.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(p => p.Owner).HasColumnName("owner").HasMaxLength(PersonNames.MaxLength);
        builder.Property(p => p.Tier).HasColumnName("tier");
        builder.Property(p => p.Kind).HasColumnName("rule_kind");
        builder.Property(p => p.RuleSetVersion).HasColumnName("rule_set_version");
        builder.Property(p => p.Priority).HasColumnName("priority");
        builder.Property(p => p.Channel).HasColumnName("channel");
        builder.Property(p => p.Status).HasColumnName("status");
        builder.Property(p => p.Drivers).HasColumnName("drivers").IsRequired()
            .HasConversion(d => PlayRulesJson.SerializeDrivers(d), s => PlayRulesJson.DeserializeDrivers(s),
                new ValueComparer<IReadOnlyList<PlayDriver>>(
                    (a, b) => a!.SequenceEqual(b!), d => d.Count, d => d.ToArray()));
        builder.Property(p => p.OpenedAt).HasColumnName("opened_at");
        builder.Property(p => p.DueDate).HasColumnName("due_date");
        builder.Property(p => p.AcknowledgedAt).HasColumnName("acknowledged_at");
        builder.Property(p => p.AcknowledgedBy).HasColumnName("acknowledged_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(p => p.SnoozedUntil).HasColumnName("snoozed_until");
        builder.Property(p => p.ClosedAt).HasColumnName("closed_at");
        builder.Property(p => p.CompletedBy).HasColumnName("completed_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(p => p.Outcome).HasColumnName("outcome");
        builder.Property(p => p.OutcomeNote).HasColumnName("outcome_note").HasMaxLength(Play.MaxNoteLength);
        builder.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        builder.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        // The dedup guarantee: one active (open, acknowledged, snoozed) play per account and rule.
        builder.HasIndex(p => new { p.AccountId, p.Kind }).IsUnique().HasFilter(ActiveFilter)
            .HasDatabaseName("ux_plays_active_rule");
        builder.HasIndex(p => new { p.AccountId, p.Status }).HasDatabaseName("ix_plays_account_status");
        // A CSM's work list: by owner, by due date.
        builder.HasIndex(p => new { p.Owner, p.DueDate, p.Id }).HasDatabaseName("ix_plays_owner_due");
        builder.HasIndex(p => new { p.DueDate, p.Id }).HasDatabaseName("ix_plays_due");
    }

    /// <summary>The statuses of <see cref="PlayStatuses.Active"/>, as SQL every engine reads.</summary>
    private static readonly string ActiveFilter =
        $"status IN ({(int)PlayStatus.Open}, {(int)PlayStatus.Acknowledged}, {(int)PlayStatus.Snoozed})";
}

internal sealed class PlayRuleSetConfiguration : IEntityTypeConfiguration<PlayRuleSetRow>
{
    public void Configure(EntityTypeBuilder<PlayRuleSetRow> builder)
    {
        builder.ToTable("play_rule_sets");
        builder.HasKey(s => s.Version);
        builder.Property(s => s.Version).HasColumnName("version").ValueGeneratedNever();
        builder.Property(s => s.RulesJson).HasColumnName("rules").IsRequired();
        builder.Property(s => s.SetBy).HasColumnName("set_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(s => s.SetAt).HasColumnName("set_at");
    }
}

internal sealed class PlayChangeConfiguration : IEntityTypeConfiguration<PlayChangeRow>
{
    public void Configure(EntityTypeBuilder<PlayChangeRow> builder)
    {
        builder.ToTable(SqlSchema.PlayChanges.Table);
        builder.HasKey(c => c.Sequence);
        builder.Property(c => c.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
        builder.Property(c => c.PlayId).HasColumnName("play_id");
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(c => c.Kind).HasColumnName("kind");
        builder.Property(c => c.At).HasColumnName("at");
        // Through the account, not the play: one cascade path (SQL Server refuses two).
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.PlayId).HasDatabaseName("ix_play_changes_play");
    }
}
