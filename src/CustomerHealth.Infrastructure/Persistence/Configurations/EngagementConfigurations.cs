using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class UsageEventConfiguration : IEntityTypeConfiguration<UsageEventRow>
{
    public void Configure(EntityTypeBuilder<UsageEventRow> builder)
    {
        builder.ToTable(SqlSchema.UsageEvents.Table);
        builder.HasKey(e => new { e.Source, e.EventId });
        builder.Property(e => e.Source).HasColumnName(SqlSchema.UsageEvents.Source)
            .HasMaxLength(EventRules.MaxSourceLength);
        builder.Property(e => e.EventId).HasColumnName(SqlSchema.UsageEvents.EventId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(e => e.AccountId).HasColumnName(SqlSchema.UsageEvents.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(e => e.UserId).HasColumnName(SqlSchema.UsageEvents.UserId).HasMaxLength(Identifiers.MaxLength);
        builder.Property(e => e.EventName).HasColumnName(SqlSchema.UsageEvents.EventName)
            .HasMaxLength(EventRules.MaxEventNameLength);
        builder.Property(e => e.OccurredAt).HasColumnName(SqlSchema.UsageEvents.OccurredAt);
        builder.Property(e => e.Day).HasColumnName(SqlSchema.UsageEvents.Day);
        builder.Property(e => e.Quantity).HasColumnName(SqlSchema.UsageEvents.Quantity);
        builder.Property(e => e.PropertiesJson).HasColumnName(SqlSchema.UsageEvents.PropertiesJson);
        builder.Property(e => e.ReceivedAt).HasColumnName(SqlSchema.UsageEvents.ReceivedAt);
        builder.HasOne<Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
        // Every index here is written by every event, so there are few: (account, day, user) serves an account's days
        // (onboarding evidence, rebuilds), a person's events (found through their user-day rows) and the account's
        // cascade; (day) serves the retention purge and rebuilds of all accounts. The primary key deduplicates.
        builder.HasIndex(e => new { e.AccountId, e.Day, e.UserId }).HasDatabaseName("ix_usage_events_account_day_user");
        builder.HasIndex(e => e.Day).HasDatabaseName("ix_usage_events_day");
    }
}

internal sealed class UserDailyActivityConfiguration : IEntityTypeConfiguration<UserDailyActivity>
{
    public void Configure(EntityTypeBuilder<UserDailyActivity> builder)
    {
        builder.ToTable(SqlSchema.UserDailyActivity.Table);
        // SQLite: a WITHOUT ROWID table (migration AddUserActiveDays); a later migration that makes EF rebuild it must
        // keep that.
        builder.HasKey(u => new { u.AccountId, u.Day, u.UserId });
        builder.Property(u => u.AccountId).HasColumnName(SqlSchema.UserDailyActivity.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(u => u.Day).HasColumnName(SqlSchema.UserDailyActivity.Day);
        builder.Property(u => u.UserId).HasColumnName(SqlSchema.UserDailyActivity.UserId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(u => u.Events).HasColumnName(SqlSchema.UserDailyActivity.Events);
        builder.Property(u => u.ActiveEvents).HasColumnName(SqlSchema.UserDailyActivity.ActiveEvents);
        // No second index: ingestion writes a row for most events, and per-user questions (person deletion, streaks)
        // read one account's range of the primary key instead.
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserActiveDaysConfiguration : IEntityTypeConfiguration<UserActiveDays>
{
    public void Configure(EntityTypeBuilder<UserActiveDays> builder)
    {
        builder.ToTable(SqlSchema.UserActiveDays.Table);
        // Account first, then block: the recompute reads a batch of accounts' last two blocks as ranges of this key.
        // The migrations make those reads touch the key alone: PostgreSQL's key INCLUDEs days, SQLite's table is
        // WITHOUT ROWID (a later migration that makes EF rebuild this table on SQLite must keep that), SQL Server's is
        // clustered.
        builder.HasKey(u => new { u.AccountId, u.Block, u.UserId });
        builder.Property(u => u.AccountId).HasColumnName(SqlSchema.UserActiveDays.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(u => u.Block).HasColumnName(SqlSchema.UserActiveDays.Block);
        builder.Property(u => u.UserId).HasColumnName(SqlSchema.UserActiveDays.UserId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(u => u.Days).HasColumnName(SqlSchema.UserActiveDays.Days);
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountDailyUsageConfiguration : IEntityTypeConfiguration<AccountDailyUsage>
{
    public void Configure(EntityTypeBuilder<AccountDailyUsage> builder)
    {
        builder.ToTable(SqlSchema.AccountDailyUsage.Table);
        // SQLite: a WITHOUT ROWID table (migration AddUserActiveDays); a later migration that makes EF rebuild it must
        // keep that.
        builder.HasKey(a => new { a.AccountId, a.Day });
        builder.Property(a => a.AccountId).HasColumnName(SqlSchema.AccountDailyUsage.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(a => a.Day).HasColumnName(SqlSchema.AccountDailyUsage.Day);
        builder.Property(a => a.Events).HasColumnName(SqlSchema.AccountDailyUsage.Events);
        builder.Property(a => a.Users).HasColumnName(SqlSchema.AccountDailyUsage.Users);
        builder.Property(a => a.ActiveUsers).HasColumnName(SqlSchema.AccountDailyUsage.ActiveUsers);
        builder.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountFeatureDailyUsageConfiguration : IEntityTypeConfiguration<AccountFeatureDailyUsage>
{
    public void Configure(EntityTypeBuilder<AccountFeatureDailyUsage> builder)
    {
        builder.ToTable(SqlSchema.AccountFeatureDailyUsage.Table);
        // SQLite: a WITHOUT ROWID table (migration AddUserActiveDays); a later migration that makes EF rebuild it must
        // keep that.
        builder.HasKey(f => new { f.AccountId, f.Day, f.Feature });
        builder.Property(f => f.AccountId).HasColumnName(SqlSchema.AccountFeatureDailyUsage.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(f => f.Day).HasColumnName(SqlSchema.AccountFeatureDailyUsage.Day);
        builder.Property(f => f.Feature).HasColumnName(SqlSchema.AccountFeatureDailyUsage.Feature)
            .HasMaxLength(EventRules.MaxEventNameLength);
        builder.Property(f => f.Events).HasColumnName(SqlSchema.AccountFeatureDailyUsage.Events);
        builder.HasOne<Account>().WithMany().HasForeignKey(f => f.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EventCatalogueConfiguration : IEntityTypeConfiguration<EventCatalogueRow>
{
    public void Configure(EntityTypeBuilder<EventCatalogueRow> builder)
    {
        builder.ToTable(SqlSchema.EventCatalogue.Table);
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName(SqlSchema.EventCatalogue.Id).ValueGeneratedNever();
        builder.Property(c => c.Version).HasColumnName(SqlSchema.EventCatalogue.Version).IsConcurrencyToken();
        builder.Property(c => c.EntriesJson).HasColumnName(SqlSchema.EventCatalogue.EntriesJson).IsRequired();
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        builder.Property(c => c.UpdatedBy).HasColumnName("updated_by").HasMaxLength(PersonNames.MaxLength);
        // The row always exists, so that ingestion can share-lock it while a catalogue change rebuilds the rollups.
        builder.HasData(new EventCatalogueRow
        {
            Id = EventCatalogueRow.SingletonId,
            Version = 0,
            EntriesJson = "[]",
            UpdatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        });
    }
}

internal sealed class NpsResponseConfiguration : IEntityTypeConfiguration<NpsResponse>
{
    public void Configure(EntityTypeBuilder<NpsResponse> builder)
    {
        builder.ToTable("nps_responses");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasColumnName("response_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(n => n.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(n => n.RespondentId).HasColumnName("respondent_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(n => n.Score).HasColumnName("score");
        builder.Property(n => n.Comment).HasColumnName("comment").HasMaxLength(NpsResponse.MaxCommentLength);
        builder.Property(n => n.AnsweredAt).HasColumnName("answered_at");
        builder.Property(n => n.CreatedAt).HasColumnName("created_at");
        builder.Property(n => n.UpdatedAt).HasColumnName("updated_at");
        builder.Ignore(n => n.Category);
        builder.HasOne<Account>().WithMany().HasForeignKey(n => n.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.AccountId, n.AnsweredAt }).HasDatabaseName("ix_nps_responses_account_answered");
        builder.HasIndex(n => n.RespondentId).HasDatabaseName("ix_nps_responses_respondent");
    }
}

internal sealed class SupportTicketConfiguration : IEntityTypeConfiguration<SupportTicket>
{
    public void Configure(EntityTypeBuilder<SupportTicket> builder)
    {
        builder.ToTable("support_tickets");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasColumnName("ticket_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(t => t.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(t => t.Severity).HasColumnName("severity");
        builder.Property(t => t.Subject).HasColumnName("subject").HasMaxLength(SupportTicket.MaxSubjectLength);
        builder.Property(t => t.OpenedAt).HasColumnName("opened_at");
        builder.Property(t => t.ClosedAt).HasColumnName("closed_at");
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.Property(t => t.UpdatedAt).HasColumnName("updated_at");
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.AccountId, t.OpenedAt }).HasDatabaseName("ix_support_tickets_account_opened");
    }
}

internal sealed class TouchpointConfiguration : IEntityTypeConfiguration<Touchpoint>
{
    public void Configure(EntityTypeBuilder<Touchpoint> builder)
    {
        builder.ToTable("touchpoints");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasColumnName("touchpoint_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(t => t.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(t => t.Kind).HasColumnName("kind");
        builder.Property(t => t.OccurredAt).HasColumnName("occurred_at");
        builder.Property(t => t.Csm).HasColumnName("csm").HasMaxLength(Touchpoint.MaxCsmLength);
        builder.Property(t => t.Note).HasColumnName("note").HasMaxLength(Touchpoint.MaxNoteLength);
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.Property(t => t.UpdatedAt).HasColumnName("updated_at");
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.AccountId, t.OccurredAt }).HasDatabaseName("ix_touchpoints_account_occurred");
    }
}
