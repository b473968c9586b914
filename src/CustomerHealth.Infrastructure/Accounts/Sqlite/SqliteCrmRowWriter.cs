using System.Data.Common;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using AccountsTable = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using Contracts = CustomerHealth.Infrastructure.Persistence.SqlSchema.Contracts;
using Milestones = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using Plans = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingPlans;

namespace CustomerHealth.Infrastructure.Accounts.Sqlite;

/// <summary>
/// SQLite: one prepared statement per table, bound and stepped once per row inside the batch's transaction (EF Core's
/// SQLite provider sends one command per row, with its change tracking around each). Values are written in the forms
/// EF Core writes them (<see cref="SqliteStatement"/>), so EF reads these rows as its own.
/// </summary>
internal sealed class SqliteCrmRowWriter : CrmRowWriter
{
    internal override Task InsertAsync(
        DbConnection connection, DbTransaction transaction, NewCrmRows rows, IReadOnlyCollection<string> marked,
        DateTime dueAt, CancellationToken ct)
    {
        var sqlite = (SqliteConnection)connection;
        if (rows.Accounts.Count > 0) InsertAccounts(sqlite, rows.Accounts);
        if (rows.Contracts.Count > 0) InsertContracts(sqlite, rows.Contracts);
        if (rows.Plans.Count > 0) InsertPlans(sqlite, rows.Plans);
        if (marked.Count > 0)
        {
            using var mark = new SqliteStatement(sqlite, HealthRecomputeMarks.InsertOneSql);
            int account = mark.Parameter("@account_id"), due = mark.Parameter("@due_at");
            foreach (var id in marked)
            {
                mark.Bind(account, id);
                mark.Bind(due, dueAt);
                mark.Execute();
            }
        }
        return Task.CompletedTask;
    }

    internal override Task UpdateAsync(
        DbConnection connection, DbTransaction transaction, CrmUpdates updates, CancellationToken ct)
    {
        var sqlite = (SqliteConnection)connection;
        if (updates.Tiers.Count > 0) UpdateTiers(sqlite, updates.Tiers);
        if (updates.Outcomes.Count > 0) UpdateOutcomes(sqlite, updates.Outcomes);
        return Task.CompletedTask;
    }

    private static void UpdateTiers(SqliteConnection connection, IReadOnlyCollection<Account> accounts)
    {
        using var update = new SqliteStatement(connection, $"UPDATE {AccountsTable.Table} SET "
            + $"{AccountsTable.EffectiveTier} = ?2, {AccountsTable.TierUnconverted} = ?3, "
            + $"{AccountsTable.UpdatedAt} = ?4 WHERE {AccountsTable.Id} = ?1");
        var updated = 0;
        foreach (var a in accounts)
        {
            update.Bind(1, a.Id);
            update.Bind(2, (long)a.EffectiveTier);
            update.Bind(3, a.TierUnconverted ? 1L : 0L);
            update.Bind(4, Utc(a.UpdatedAt));
            updated += update.Execute();
        }
        EnsureAllFound(AccountsTable.Table, accounts.Count, updated);
    }

    private static void UpdateOutcomes(SqliteConnection connection, IReadOnlyCollection<Contract> contracts)
    {
        using var update = new SqliteStatement(connection, $"UPDATE {Contracts.Table} SET "
            + $"{Contracts.OutcomeKind} = ?2, {Contracts.OutcomeNewArr} = ?3, {Contracts.OutcomeDecisionDate} = ?4, "
            + $"{Contracts.OutcomeRenewalContractId} = ?5, {Contracts.OutcomeNote} = ?6, "
            + $"{Contracts.OutcomeRecordedAt} = ?7, {Contracts.UpdatedAt} = ?8 WHERE {Contracts.Id} = ?1");
        var updated = 0;
        foreach (var c in contracts)
        {
            var outcome = c.Outcome!;
            update.Bind(1, c.Id);
            update.Bind(2, (long)outcome.Kind);
            update.Bind(3, Micros(outcome.NewArr));
            update.Bind(4, outcome.DecisionDate);
            update.BindNullable(5, outcome.RenewalContractId);
            update.BindNullable(6, outcome.Note);
            update.Bind(7, Utc(outcome.RecordedAt));
            update.Bind(8, Utc(c.UpdatedAt));
            updated += update.Execute();
        }
        EnsureAllFound(Contracts.Table, contracts.Count, updated);
    }

    private static void InsertAccounts(SqliteConnection connection, List<Account> accounts)
    {
        using var insert = new SqliteStatement(connection, InsertSql(AccountsTable.Table, AccountsTable.Columns));
        foreach (var a in accounts)
        {
            insert.Bind(1, a.Id);
            insert.Bind(2, a.DisplayName);
            insert.BindNullable(3, a.Segment);
            insert.BindNullable(4, a.Owner);
            insert.Bind(5, (long)a.AssignedTier);
            insert.Bind(6, (long)a.EffectiveTier);
            insert.Bind(7, a.TierUnconverted ? 1L : 0L);
            insert.BindNullable(8, a.ParentId);
            insert.Bind(9, Utc(a.CreatedAt));
            insert.Bind(10, Utc(a.UpdatedAt));
            insert.Execute();
        }
    }

    private static void InsertContracts(SqliteConnection connection, List<Contract> contracts)
    {
        using var insert = new SqliteStatement(connection, InsertSql(Contracts.Table, Contracts.Columns));
        foreach (var c in contracts.Select(WithoutOutcome))
        {
            insert.Bind(1, c.Id);
            insert.Bind(2, c.AccountId);
            insert.Bind(3, Micros(c.ArrAmount));
            insert.Bind(4, c.Currency);
            insert.Bind(5, c.Seats);
            insert.Bind(6, c.StartDate);
            insert.Bind(7, c.EndDate);
            insert.Bind(8, Utc(c.CreatedAt));
            insert.Bind(9, Utc(c.UpdatedAt));
            insert.Execute();
        }
    }

    private static void InsertPlans(SqliteConnection connection, List<OnboardingPlan> plans)
    {
        using (var insert = new SqliteStatement(connection, InsertSql(Plans.Table, Plans.Columns)))
        {
            foreach (var p in plans)
            {
                insert.Bind(1, p.AccountId);
                insert.Bind(2, p.StartDate);
                insert.Bind(3, (long)p.Tier);
                insert.Bind(4, p.TemplateVersion);
                insert.Bind(5, Utc(p.CreatedAt));
                insert.Bind(6, Utc(p.UpdatedAt));
                insert.Execute();
            }
        }
        using var milestone = new SqliteStatement(connection, InsertSql(Milestones.Table, Milestones.Columns));
        foreach (var m in plans.SelectMany(p => p.Milestones))
        {
            milestone.Bind(1, m.AccountId);
            milestone.Bind(2, m.Key);
            milestone.Bind(3, m.Title);
            milestone.Bind(4, m.DueDay);
            milestone.Bind(5, m.DueDate);
            milestone.Bind(6, m.Position);
            milestone.BindNullable(7, m.CompletedAt is { } at ? Utc(at) : null);
            milestone.Bind(8, (long)m.CompletedHow);
            milestone.BindNullable(9, m.CompletedBy);
            milestone.BindNullable(10, m.Note);
            milestone.Bind(11, (long)m.Rule.Kind);
            milestone.BindNullable(12, m.Rule.EventName);
            milestone.Bind(13, m.Rule.Count);
            milestone.Bind(14, m.Rule.Share);
            milestone.Execute();
        }
    }

    /// <summary>An insert of one row into <paramref name="columns"/>, bound by position (?1, ?2, …).</summary>
    private static string InsertSql(string table, string columns)
    {
        var values = string.Join(", ", Enumerable.Range(1, columns.Split(", ").Length).Select(i => $"?{i}"));
        return $"INSERT INTO {table} ({columns}) VALUES ({values})";
    }
}
