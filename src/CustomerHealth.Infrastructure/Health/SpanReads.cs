using System.Globalization;
using System.Text.Json;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>One tracked event's rollup of one account and day, as <see cref="SpanReads.ReadFeatureDaysAsync"/> reads
/// it.</summary>
internal readonly record struct FeatureDayRow(DateOnly Day, string Feature, long Events);

/// <summary>
/// The rollup rows a chunk of renewal-training requests reads over many days, straight from a data reader on SQLite and
/// PostgreSQL (docs/adr/0088-training-reads-through-data-readers-on-parallel-chunks.md, after ADR 0081): the
/// active-day blocks and the tracked events' day rollups, which EF Core materialised as entities or anonymous rows at
/// several times the cost of the statement. Rows come in key order. Callers keep EF Core on SQL Server.
/// </summary>
internal static class SpanReads
{
    /// <summary>Whether the context's engine is one these reads run on (SQLite or PostgreSQL).</summary>
    public static bool Supports(CustomerHealthDbContext db) => db.Database.IsSqlite() || db.Database.IsNpgsql();

    /// <summary>
    /// The active-day blocks <paramref name="older"/> to <paramref name="newer"/> of <paramref name="ids"/>, by
    /// account.
    /// </summary>
    public static async Task<ILookup<string, ActiveDayBlock>> ReadActiveDayBlocksAsync(
        CustomerHealthDbContext db, AccountSelection ids, int older, int newer, CancellationToken ct)
    {
        var rows = new List<ActiveDayBlock>();
        var sql = $"SELECT {ActiveDays.AccountId}, {ActiveDays.UserId}, {ActiveDays.Block}, {ActiveDays.Days} " +
            $"FROM {ActiveDays.Table} WHERE {ids.Sql(db, ActiveDays.AccountId)} " +
            $"AND {ActiveDays.Block} >= @older AND {ActiveDays.Block} <= @newer ORDER BY {ActiveDays.Key}";
        await db.Database.ReadRowsAsync(
            sql, [.. ids.Parameters(db), ("older", older), ("newer", newer)],
            r => rows.Add(new ActiveDayBlock(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3))), ct);
        return rows.ToLookup(b => b.AccountId, StringComparer.Ordinal);
    }

    /// <summary>
    /// The day rollups with events of <paramref name="features"/> in <paramref name="ids"/> from <paramref
    /// name="from"/> to <paramref name="to"/>, by account, in day then feature order. On SQLite the rows are stepped
    /// through SQLite's own API (<see cref="RawReads.ReadSqliteRowsAsync"/>): days parsed from their bytes, account ids
    /// and feature names the instances given, not a new string per row.
    /// </summary>
    public static Task<Dictionary<string, List<FeatureDayRow>>> ReadFeatureDaysAsync(
        CustomerHealthDbContext db, string[] ids, string[] features, DateOnly from, DateOnly to,
        CancellationToken ct) => ReadFeatureDaysAsync(db, AccountSelection.Of(ids), features, from, to, ct);

    /// <summary><see cref="ReadFeatureDaysAsync(CustomerHealthDbContext, string[], string[], DateOnly, DateOnly,
    /// CancellationToken)"/> of the accounts <paramref name="ids"/> selects.</summary>
    public static async Task<Dictionary<string, List<FeatureDayRow>>> ReadFeatureDaysAsync(
        CustomerHealthDbContext db, AccountSelection ids, string[] features, DateOnly from, DateOnly to,
        CancellationToken ct)
    {
        var byAccount = new Dictionary<string, List<FeatureDayRow>>(ids.Ids.Length, StringComparer.Ordinal);
        if (features.Length == 0) return byAccount;
        var sql = $"SELECT {FeatureDays.AccountId}, {FeatureDays.Day}, {FeatureDays.Feature}, {FeatureDays.Events} " +
            $"FROM {FeatureDays.Table} WHERE {ids.Sql(db, FeatureDays.AccountId)} " +
            $"AND {FeatureDays.Day} >= @from AND {FeatureDays.Day} <= @to AND {FeatureDays.Events} > 0 " +
            $"AND {Among(db, FeatureDays.Feature, "features")} ORDER BY {FeatureDays.Key}";
        void Add(string id, FeatureDayRow row)
        {
            if (!byAccount.TryGetValue(id, out var list)) byAccount.Add(id, list = []);
            list.Add(row);
        }
        if (db.Database.IsSqlite())
        {
            var (accounts, names) = (new StoredUtf8.Pool(ids.Ids), new StoredUtf8.Pool(features));
            await db.Database.ReadSqliteRowsAsync(sql, [.. ids.Parameters(db, "@"), ("@features", Values(db, features)),
                ("@from", Day(from)), ("@to", Day(to))], row => Add(accounts.Of(row.Utf8(0)), new FeatureDayRow(
                    StoredUtf8.Day(row.Utf8(1))!.Value, names.Of(row.Utf8(2)), row.Int64(3))), ct);
            return byAccount;
        }
        await db.Database.ReadRowsAsync(
            sql, [.. ids.Parameters(db), ("features", Values(db, features)), ("from", from), ("to", to)],
            r => Add(r.GetString(0), new FeatureDayRow(r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetInt64(3))),
            ct);
        return byAccount;
    }

    /// <summary>
    /// Each account's rows in day order (a stable sort, skipped when they already are, as the statements above return
    /// them), for <see cref="Window"/>.
    /// </summary>
    public static Dictionary<string, T[]> InDayOrder<TRow, T>(
        Dictionary<string, List<TRow>> byAccount, Func<TRow, T> make, Func<T, DateOnly> day) =>
        byAccount.ToDictionary(p => p.Key, p => InDayOrder(p.Value.Select(make), day), StringComparer.Ordinal);

    /// <summary><paramref name="rows"/> in day order (stable: rows of one day keep their order).</summary>
    public static T[] InDayOrder<T>(IEnumerable<T> rows, Func<T, DateOnly> day)
    {
        var sorted = rows.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (day(sorted[i]) < day(sorted[i - 1])) return [.. sorted.OrderBy(day)];
        }
        return sorted;
    }

    /// <summary>
    /// The rows of <paramref name="sorted"/> (in day order) from <paramref name="from"/> to <paramref name="to"/>, both
    /// included, found by binary search and not copied: what <c>Where(day in range)</c> gives, in the same order.
    /// </summary>
    public static ArraySegment<T> Window<T>(T[] sorted, Func<T, DateOnly> day, DateOnly from, DateOnly to)
    {
        var start = FirstOnOrAfter(sorted, day, from);
        var end = to < from ? start : FirstOnOrAfter(sorted, day, to.AddDays(1));
        return new ArraySegment<T>(sorted, start, Math.Max(0, end - start));
    }

    private static int FirstOnOrAfter<T>(T[] sorted, Func<T, DateOnly> day, DateOnly first)
    {
        var (low, high) = (0, sorted.Length);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (day(sorted[middle]) < first) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>A day as SQLite stores it (<c>yyyy-MM-dd</c>), to bind as text.</summary>
    private static string Day(DateOnly day) => day.ToString(SqliteStatement.DayFormat, CultureInfo.InvariantCulture);

    /// <summary>The SQL that keeps the rows whose <paramref name="column"/> is among the values bound as
    /// <paramref name="parameter"/> (<see cref="Values"/>): an array on PostgreSQL, a JSON array on SQLite.</summary>
    public static string Among(CustomerHealthDbContext db, string column, string parameter) =>
        db.Database.IsNpgsql() ? $"{column} = ANY(@{parameter})"
            : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>The values to bind for <see cref="Among"/>.</summary>
    public static object Values(CustomerHealthDbContext db, string[] values) =>
        db.Database.IsNpgsql() ? values : JsonSerializer.Serialize(values);
}
