using System.Data.Common;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Health;
using Npgsql;
using NpgsqlTypes;
using AccountsTable = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using Contracts = CustomerHealth.Infrastructure.Persistence.SqlSchema.Contracts;
using Milestones = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using Plans = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingPlans;

namespace CustomerHealth.Infrastructure.Accounts.PostgreSql;

/// <summary>
/// PostgreSQL: one statement per table over arrays (<c>INSERT … SELECT FROM unnest</c>), one column an array, so a
/// batch's new rows cost a handful of round trips whatever its size.
/// </summary>
internal sealed class PostgreSqlCrmRowWriter : CrmRowWriter
{
    internal override async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, NewCrmRows rows, IReadOnlyCollection<string> marked,
        DateTime dueAt, CancellationToken ct)
    {
        var (npgsql, tx) = ((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        if (rows.Accounts.Count > 0) await InsertAccountsAsync(npgsql, tx, rows.Accounts, ct);
        if (rows.Contracts.Count > 0) await InsertContractsAsync(npgsql, tx, rows.Contracts, ct);
        if (rows.Plans.Count > 0) await InsertPlansAsync(npgsql, tx, rows.Plans, ct);
        if (marked.Count > 0)
        {
            await using var mark = new NpgsqlCommand(HealthRecomputeMarks.InsertFromArraySql, npgsql, tx);
            mark.Parameters.AddWithValue("account_ids", marked.ToArray());
            mark.Parameters.AddWithValue("due_at", Utc(dueAt));
            await mark.ExecuteNonQueryAsync(ct);
        }
    }

    internal override async Task UpdateAsync(
        DbConnection connection, DbTransaction transaction, CrmUpdates updates, CancellationToken ct)
    {
        var (npgsql, tx) = ((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        var a = updates.Tiers;
        if (a.Count > 0)
        {
            EnsureAllFound(AccountsTable.Table, a.Count, await UpdateFromArraysAsync(npgsql, tx,
                AccountsTable.Table, AccountsTable.Id, [AccountsTable.EffectiveTier, AccountsTable.TierUnconverted,
                    AccountsTable.UpdatedAt], ct,
                a.Select(x => x.Id).ToArray(), a.Select(x => (int)x.EffectiveTier).ToArray(),
                a.Select(x => x.TierUnconverted).ToArray(), a.Select(x => Utc(x.UpdatedAt)).ToArray()));
        }
        var c = updates.Outcomes;
        if (c.Count > 0)
        {
            var o = c.Select(x => x.Outcome!).ToList();
            EnsureAllFound(Contracts.Table, c.Count, await UpdateFromArraysAsync(npgsql, tx,
                Contracts.Table, Contracts.Id, [Contracts.OutcomeKind, Contracts.OutcomeNewArr,
                    Contracts.OutcomeDecisionDate, Contracts.OutcomeRenewalContractId, Contracts.OutcomeNote,
                    Contracts.OutcomeRecordedAt, Contracts.UpdatedAt], ct,
                c.Select(x => x.Id).ToArray(), o.Select(x => (int)x.Kind).ToArray(),
                o.Select(x => Micros(x.NewArr)).ToArray(), o.Select(x => x.DecisionDate).ToArray(),
                o.Select(x => x.RenewalContractId).ToArray(), o.Select(x => x.Note).ToArray(),
                o.Select(x => Utc(x.RecordedAt)).ToArray(), c.Select(x => Utc(x.UpdatedAt)).ToArray()));
        }
    }

    private static Task InsertAccountsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<Account> a, CancellationToken ct) =>
        ExecuteAsync(connection, transaction, AccountsTable.Table, AccountsTable.Columns, ct,
            a.Select(x => x.Id).ToArray(), a.Select(x => x.DisplayName).ToArray(), a.Select(x => x.Segment).ToArray(),
            a.Select(x => x.Owner).ToArray(), a.Select(x => (int)x.AssignedTier).ToArray(),
            a.Select(x => (int)x.EffectiveTier).ToArray(), a.Select(x => x.TierUnconverted).ToArray(),
            a.Select(x => x.ParentId).ToArray(), a.Select(x => Utc(x.CreatedAt)).ToArray(),
            a.Select(x => Utc(x.UpdatedAt)).ToArray());

    private static Task InsertContractsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<Contract> contracts, CancellationToken ct)
    {
        var c = contracts.Select(WithoutOutcome).ToList();
        return ExecuteAsync(connection, transaction, Contracts.Table, Contracts.Columns, ct,
            c.Select(x => x.Id).ToArray(), c.Select(x => x.AccountId).ToArray(),
            c.Select(x => Micros(x.ArrAmount)).ToArray(), c.Select(x => x.Currency).ToArray(),
            c.Select(x => x.Seats).ToArray(), c.Select(x => x.StartDate).ToArray(), c.Select(x => x.EndDate).ToArray(),
            c.Select(x => Utc(x.CreatedAt)).ToArray(), c.Select(x => Utc(x.UpdatedAt)).ToArray());
    }

    private static async Task InsertPlansAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<OnboardingPlan> p, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, Plans.Table, Plans.Columns, ct,
            p.Select(x => x.AccountId).ToArray(), p.Select(x => x.StartDate).ToArray(),
            p.Select(x => (int)x.Tier).ToArray(), p.Select(x => x.TemplateVersion).ToArray(),
            p.Select(x => Utc(x.CreatedAt)).ToArray(), p.Select(x => Utc(x.UpdatedAt)).ToArray());
        var m = p.SelectMany(x => x.Milestones).ToList();
        await ExecuteAsync(connection, transaction, Milestones.Table, Milestones.Columns, ct,
            m.Select(x => x.AccountId).ToArray(), m.Select(x => x.Key).ToArray(), m.Select(x => x.Title).ToArray(),
            m.Select(x => x.DueDay).ToArray(), m.Select(x => x.DueDate).ToArray(), m.Select(x => x.Position).ToArray(),
            m.Select(x => x.CompletedAt is { } at ? Utc(at) : (DateTime?)null).ToArray(),
            m.Select(x => (int)x.CompletedHow).ToArray(), m.Select(x => x.CompletedBy).ToArray(),
            m.Select(x => x.Note).ToArray(), m.Select(x => (int)x.Rule.Kind).ToArray(),
            m.Select(x => x.Rule.EventName).ToArray(), m.Select(x => x.Rule.Count).ToArray(),
            m.Select(x => x.Rule.Share).ToArray());
    }

    /// <summary>Updates one row per array position (<c>UPDATE … FROM unnest</c>): <paramref name="arrays"/> hold
    /// the key of <paramref name="key"/>, then the values of <paramref name="columns"/>; returns the rows
    /// updated.</summary>
    private static async Task<int> UpdateFromArraysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string key, string[] columns,
        CancellationToken ct, params Array[] arrays)
    {
        var names = string.Join(", ", Enumerable.Range(0, arrays.Length).Select(i => $"@c{i}"));
        var sets = string.Join(", ", columns.Select((column, i) => $"{column} = u.c{i + 1}"));
        var aliases = string.Join(", ", Enumerable.Range(0, arrays.Length).Select(i => $"c{i}"));
        var sql = $"UPDATE {table} AS t SET {sets} FROM unnest({names}) AS u({aliases}) WHERE t.{key} = u.c0";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        AddArrays(command, arrays);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Inserts one row per array position: <paramref name="arrays"/> hold the columns of
    /// <paramref name="columns"/>, in that order, all of one length.</summary>
    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string columns, CancellationToken ct,
        params Array[] arrays)
    {
        var names = Enumerable.Range(0, arrays.Length).Select(i => $"@c{i}");
        var sql = $"INSERT INTO {table} ({columns}) SELECT * FROM unnest({string.Join(", ", names)})";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        AddArrays(command, arrays);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Binds <paramref name="arrays"/> as <c>@c0</c>, <c>@c1</c>, ….</summary>
    private static void AddArrays(NpgsqlCommand command, Array[] arrays)
    {
        for (var i = 0; i < arrays.Length; i++)
        {
            var parameter = command.Parameters.AddWithValue($"c{i}", arrays[i]);
            // Instants are UTC (timestamp with time zone), whatever an array's elements would infer.
            if (arrays[i] is DateTime[] or DateTime?[])
                parameter.NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
        }
    }
}
