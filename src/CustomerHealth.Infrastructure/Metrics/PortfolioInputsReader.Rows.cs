using System.Data.Common;
using System.Text;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using A = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using C = CustomerHealth.Infrastructure.Persistence.SqlSchema.Contracts;
using M = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using S = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthScores;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// The two large result sets of a report (a row per account with today's score, a row per contract) read by a
/// hand-written statement and a data reader on SQLite and PostgreSQL, instead of EF Core's materialiser: with 100,000
/// accounts and 141,081 contracts the two reads were nearly all of a report's time, most of it EF Core's per-value work
/// (its concurrency detector's async-local per row, days parsed by the general date parser). Same rows, same filters as
/// the LINQ reads, which SQL Server and past days keep.
/// </summary>
public sealed partial class PortfolioInputsReader
{
    private const string OutcomeKind = "outcome_kind";
    private const string OutcomeNewArr = "outcome_new_arr_micros";
    private const string OutcomeDecidedOn = "outcome_decision_date";

    private static HotReadDialect? DialectOf(CustomerHealthDbContext db) =>
        db.Database.IsSqlite() ? HotReadDialect.Sqlite
        : db.Database.IsNpgsql() ? HotReadDialect.PostgreSql
        : null;

    /// <summary>Today's row of each selected account, or null on an engine without a hand-written read.</summary>
    private static async Task<List<AccountRow>?> TryReadTodayRowsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, CancellationToken ct)
    {
        if (DialectOf(db) is not { } dialect) return null;
        var sql = new StringBuilder(
            $"SELECT a.{A.Id}, a.{A.EffectiveTier}, a.{A.Segment}, a.{A.Owner}, s.{S.Band}, s.{S.Stage}, " +
            $"s.{S.EffectiveAccount}, s.{S.MonthlyActiveUsers}, s.{S.FirstActiveDay}, s.{S.FirstValueDay} " +
            $"FROM {A.Table} a LEFT JOIN {S.Table} s ON s.{S.AccountId} = a.{A.Id} WHERE 1 = 1");
        var parameters = SelectedWhere(dialect, filter, "a", sql);
        if (dialect.IsSqlite) return await ReadTodayRowsOnSqliteAsync(db, sql.ToString(), parameters, ct);
        var rows = new List<AccountRow>();
        await db.Database.ReadRowsAsync(sql.ToString(), parameters, reader =>
        {
            var noScore = reader.IsDBNull(4);
            rows.Add(new AccountRow(
                reader.GetString(0), (CsTier)reader.GetInt32(1), NullableString(reader, 2), NullableString(reader, 3),
                noScore ? null : (HealthBand)reader.GetInt32(4), noScore ? null : (LifecycleStage)reader.GetInt32(5),
                noScore ? null : reader.GetBoolean(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Day(dialect, reader, 8), Day(dialect, reader, 9)));
        }, ct);
        return rows;
    }

    /// <summary>The selected accounts' contracts, or null on an engine without a hand-written read.</summary>
    private static async Task<List<ContractFacts>?> TryReadContractRowsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, CancellationToken ct)
    {
        if (DialectOf(db) is not { } dialect) return null;
        var sql = new StringBuilder(
            $"SELECT c.{C.Id}, c.{C.AccountId}, c.{C.ArrAmount}, c.{C.Currency}, c.{C.StartDate}, c.{C.EndDate}, " +
            $"c.{OutcomeKind}, c.{OutcomeNewArr}, c.{OutcomeDecidedOn} FROM {C.Table} c");
        List<(string Name, object Value)> parameters = [];
        if (filter is not { Tier: null, Segment: null, Owner: null, AccountIds: null })
        {
            // Every contract belongs to an account (a foreign key), so without a filter no sub-select is needed.
            sql.Append($" WHERE c.{C.AccountId} IN (SELECT a.{A.Id} FROM {A.Table} a WHERE 1 = 1");
            parameters = SelectedWhere(dialect, filter, "a", sql);
            sql.Append(')');
        }
        if (dialect.IsSqlite) return await ReadContractRowsOnSqliteAsync(db, sql.ToString(), parameters, ct);
        var contracts = new List<ContractFacts>();
        await db.Database.ReadRowsAsync(sql.ToString(), parameters, reader =>
        {
            var outcome = reader.IsDBNull(6) ? RenewalOutcomeKind.Unspecified : (RenewalOutcomeKind)reader.GetInt32(6);
            contracts.Add(new ContractFacts
            {
                ContractId = reader.GetString(0),
                AccountId = reader.GetString(1),
                Arr = new Money(reader.GetInt64(2) / 1_000_000m, reader.GetString(3)),
                Start = Day(dialect, reader, 4)!.Value,
                End = Day(dialect, reader, 5)!.Value,
                Outcome = outcome,
                NewArr = outcome == RenewalOutcomeKind.Renewed && !reader.IsDBNull(7)
                    ? reader.GetInt64(7) / 1_000_000m
                    : null,
                DecidedOn = Day(dialect, reader, 8),
            });
        }, ct);
        return contracts;
    }

    /// <summary>
    /// The milestones due within the first 90 days of the selected accounts whose first contract started from <paramref
    /// name="from"/> to <paramref name="to"/> (both counted), as (account, due day, UTC day done or null); null on an
    /// engine without a hand-written read. The first contract starts come from one pass over the contracts' index on
    /// (account, start), grouped, and each cohort account's milestones from their key: no pass over every milestone.
    /// </summary>
    private static async Task<List<(string AccountId, DateOnly Due, DateOnly? DoneOn)>?> TryReadMilestoneRowsAsync(
        CustomerHealthDbContext db, PortfolioFilter filter, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (DialectOf(db) is not { } dialect) return null;
        var sql = new StringBuilder(
            $"SELECT m.{M.AccountId}, m.{M.DueDate}, m.{M.CompletedAt} " +
            $"FROM (SELECT c.{C.AccountId} AS id FROM {C.Table} c GROUP BY c.{C.AccountId} " +
            $"HAVING min(c.{C.StartDate}) >= @from AND min(c.{C.StartDate}) <= @to) f " +
            $"JOIN {M.Table} m ON m.{M.AccountId} = f.id");
        var filtered = filter is not { Tier: null, Segment: null, Owner: null, AccountIds: null };
        if (filtered) sql.Append($" JOIN {A.Table} a ON a.{A.Id} = f.id");
        sql.Append($" WHERE m.{M.DueDay} <= {PortfolioMetrics.OnboardingWindowDays}");
        var parameters = filtered ? SelectedWhere(dialect, filter, "a", sql) : [];
        parameters.Add(("@from", dialect.Day(from)));
        parameters.Add(("@to", dialect.Day(to)));
        if (dialect.IsSqlite) return await ReadMilestoneRowsOnSqliteAsync(db, sql.ToString(), parameters, ct);
        var rows = new List<(string, DateOnly, DateOnly?)>();
        await db.Database.ReadRowsAsync(sql.ToString(), parameters, reader => rows.Add(
            (reader.GetString(0), Day(dialect, reader, 1)!.Value, DayOfInstant(dialect, reader, 2))), ct);
        return rows;
    }

    /// <summary>Appends the filter's predicates on the accounts aliased <paramref name="alias"/>.</summary>
    private static List<(string Name, object Value)> SelectedWhere(
        HotReadDialect dialect, PortfolioFilter filter, string alias, StringBuilder sql)
    {
        var parameters = new List<(string Name, object Value)>();
        void Where(string column, string name, object value)
        {
            sql.Append($" AND {alias}.{column} = {name}");
            parameters.Add((name, value));
        }
        if (filter.Tier is { } tier) Where(A.EffectiveTier, "@tier", (int)tier);
        if (filter.Segment is { } segment) Where(A.Segment, "@segment", segment);
        if (filter.Owner is { } owner) Where(A.Owner, "@owner", owner);
        if (filter.AccountIds is { } ids)
        {
            sql.Append(" AND ").Append(dialect.InIds($"{alias}.{A.Id}", "@ids"));
            parameters.Add(("@ids", dialect.Ids(ids)));
        }
        return parameters;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// A stored day: on SQLite the <c>yyyy-MM-dd</c> text EF Core writes, read digit by digit (the general date parser
    /// was a tenth of a report's reads); on PostgreSQL a typed date.
    /// </summary>
    private static DateOnly? Day(HotReadDialect dialect, DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return null;
        if (!dialect.IsSqlite) return reader.GetFieldValue<DateOnly>(ordinal);
        var text = reader.GetString(ordinal).AsSpan();
        return text.Length == 10 && text[4] == '-' && text[7] == '-'
            ? new DateOnly(Digits(text[..4]), Digits(text[5..7]), Digits(text[8..10]))
            : DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The UTC day of a stored instant: on SQLite the day at the start of the <c>yyyy-MM-dd HH:mm:ss</c> text EF Core
    /// writes; on PostgreSQL the day of a typed UTC timestamp.
    /// </summary>
    private static DateOnly? DayOfInstant(HotReadDialect dialect, DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return null;
        if (!dialect.IsSqlite) return DateOnly.FromDateTime(reader.GetFieldValue<DateTime>(ordinal));
        var text = reader.GetString(ordinal).AsSpan();
        return text.Length > 10 && text[4] == '-' && text[7] == '-' && text[10] == ' '
            ? new DateOnly(Digits(text[..4]), Digits(text[5..7]), Digits(text[8..10]))
            : DateOnly.FromDateTime(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int Digits(ReadOnlySpan<char> text)
    {
        var value = 0;
        foreach (var ch in text)
        {
            if (ch is < '0' or > '9') throw new FormatException($"Not a stored day: '{text}'.");
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
