using System.Globalization;
using System.Text;
using CustomerHealth.Domain.Health;
using A = CustomerHealth.Infrastructure.Persistence.SqlSchema.Accounts;
using O = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthOverrides;
using S = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthScores;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// How the hot reads' statements differ between engines: how a list of ids is passed as one parameter (SQLite: a JSON
/// array read by <c>json_each</c>; PostgreSQL: a <c>varchar[]</c> for <c>= ANY</c>) and how instants and days are
/// bound (SQLite: the text EF Core stores; PostgreSQL: typed values).
/// </summary>
internal sealed class HotReadDialect
{
    public static readonly HotReadDialect Sqlite = new(isSqlite: true);
    public static readonly HotReadDialect PostgreSql = new(isSqlite: false);

    private HotReadDialect(bool isSqlite) => IsSqlite = isSqlite;

    public bool IsSqlite { get; }

    /// <summary>A predicate: <paramref name="column"/> is one of the ids in <paramref name="parameter"/>.</summary>
    public string InIds(string column, string parameter) => IsSqlite
        ? $"{column} IN (SELECT value FROM json_each({parameter}))"
        : $"{column} = ANY({parameter})";

    public object Ids(IReadOnlyCollection<string> ids) => IsSqlite
        ? System.Text.Json.JsonSerializer.Serialize(ids)
        : ids as string[] ?? ids.ToArray();

    public object Instant(DateTime utc) => IsSqlite
        ? utc.ToString(Persistence.SqliteStatement.InstantFormat, CultureInfo.InvariantCulture)
        : utc;

    public object Day(DateOnly day) => IsSqlite
        ? day.ToString(Persistence.SqliteStatement.DayFormat, CultureInfo.InvariantCulture)
        : day;
}

/// <summary>
/// The statements of <see cref="HealthScoreReader"/>. Every one selects <see cref="ScoreColumns"/> (the stored score
/// and the override in force, <c>@now</c>, left-joined) in the order <see cref="HotReadRows"/> reads them.
/// </summary>
internal static class HotReadSql
{
    public const string ScoreColumns =
        $"s.{S.Score}, s.{S.Band}, s.{S.Tier}, s.{S.Stage}, s.{S.EffectiveAccount}, s.{S.CompletenessShare}, " +
        $"s.{S.DetailJson}, s.{S.Change7Days}, s.{S.Change30Days}, s.{S.ScorecardVersion}, s.{S.AsOf}, " +
        $"s.{S.ComputedAt}, s.{S.RenewalDate}, s.{S.ArrMicros}, s.{S.Currency}, s.{S.FirstActiveDay}, " +
        $"s.{S.FirstValueDay}, s.{S.MonthlyActiveUsers}, " +
        $"o.{O.AccountId}, o.{O.Score}, o.{O.Band}, o.{O.Reason}, o.{O.SetBy}, o.{O.SetAt}, o.{O.ExpiresAt}, " +
        $"s.{S.AccountId}";

    private const string FromScores =
        $"FROM {S.Table} s LEFT JOIN {O.Table} o ON o.{O.AccountId} = s.{S.AccountId} AND o.{O.ExpiresAt} > @now ";

    /// <summary>One account's score: <c>@id</c>.</summary>
    public const string One = $"SELECT {ScoreColumns} {FromScores}WHERE s.{S.AccountId} = @id";

    /// <summary>The scores of a list of accounts: <c>@ids</c>.</summary>
    public static string Many(HotReadDialect dialect) =>
        $"SELECT {ScoreColumns} {FromScores}WHERE {dialect.InIds($"s.{S.AccountId}", "@ids")}";

    /// <summary>
    /// A page of <c>ListHealthScores</c>: the statements to run in turn, each adding its rows after the previous
    /// one's, up to <c>@take</c> rows in all (the caller sets <c>@take</c> to what is left before each), and their
    /// parameters. The account's display name, owner, segment and effective tier are selected after the score's
    /// columns. Filters, order and cursor as <see cref="HealthStore.ListAsync"/> writes them in LINQ.
    /// </summary>
    /// <remarks>
    /// A page in a column's order puts the accounts without a value last. Written as one <c>ORDER BY</c> with a
    /// <c>CASE</c> on nulls, no index served it: PostgreSQL scanned and sorted every score for each page (0.56 s
    /// against 24 ms for the same page read from the <c>(column, account_id)</c> index, 100,000 accounts, under load).
    /// So the accounts with a value are read first, in the index's order, and those without only when the page is not
    /// full yet.
    /// </remarks>
    public static (string[] Statements, List<KeyValuePair<string, object>> Parameters) Page(
        HotReadDialect dialect, HealthListQuery query, DateTime nowUtc, DateOnly today)
    {
        var p = new List<KeyValuePair<string, object>> { new("@now", dialect.Instant(nowUtc)) };
        var (column, after, ascending) = SortColumn(query.Order);
        // In account order after a cursor, the joined tables get the cursor's bound too (the same rows: each join is
        // on the account id). Without it PostgreSQL's generic plan merge-joined the accounts' key from its first row
        // to the cursor: 50,000 index rows for a page in the middle of 100,000 accounts (28 ms against 0.3 ms).
        var joinAfter = column is null && query.After is not null;
        var from = new StringBuilder(
            $"SELECT {ScoreColumns}, a.{A.DisplayName}, a.{A.Owner}, a.{A.Segment}, a.{A.EffectiveTier} " +
            $"FROM {S.Table} s LEFT JOIN {O.Table} o ON o.{O.AccountId} = s.{S.AccountId} AND o.{O.ExpiresAt} > @now" +
            (joinAfter ? $" AND o.{O.AccountId} > @after" : "") +
            $" LEFT JOIN {A.Table} a ON a.{A.Id} = s.{S.AccountId}" +
            (joinAfter ? $" AND a.{A.Id} > @after" : "") + " WHERE 1 = 1");
        AppendFilters(from, p, dialect, query, today);
        var cursor = query.After;
        if (cursor is not null) p.Add(new("@after", cursor.AccountId));
        var afterId = cursor is null ? "" : $" AND s.{S.AccountId} > @after";
        if (column is null) return ([$"{from}{afterId} ORDER BY s.{S.AccountId} LIMIT @take"], p);
        var nulls = $"{from} AND {column} IS NULL{(string.IsNullOrEmpty(cursor?.Key) ? afterId : "")} " +
            $"ORDER BY s.{S.AccountId} LIMIT @take";
        if (cursor is not null && string.IsNullOrEmpty(cursor.Key)) return ([nulls], p); // past every value
        var valued = new StringBuilder($"{from} AND {column} IS NOT NULL");
        if (cursor?.Key is { } key)
        {
            // The bound first, as the index's range; then the accounts after the cursor among equal values.
            valued.Append($" AND {column} {after}= @key AND ({column} {after} @key OR s.{S.AccountId} > @after)");
            p.Add(new("@key", CursorValue(dialect, query.Order, key)));
        }
        valued.Append($" ORDER BY {column}{(ascending ? "" : " DESC")}, s.{S.AccountId} LIMIT @take");
        return ([valued.ToString(), nulls], p);
    }

    /// <summary>The request's filters, each appended as <c>AND</c> a predicate with its parameters.</summary>
    private static void AppendFilters(
        StringBuilder sql, List<KeyValuePair<string, object>> p, HotReadDialect dialect, HealthListQuery query,
        DateOnly today)
    {
        void Where(string predicate, params (string Name, object Value)[] values)
        {
            sql.Append(" AND ").Append(predicate);
            foreach (var (name, value) in values) p.Add(new(name, value));
        }
        var f = query.Filter;
        if (f.Band is { } band) Where($"s.{S.Band} = @band", ("@band", (int)band));
        if (f.Tier is { } tier) Where($"s.{S.Tier} = @tier", ("@tier", (int)tier));
        if (f.Stage is { } stage) Where($"s.{S.Stage} = @stage", ("@stage", (int)stage));
        if (f.Owner is { } owner) Where($"a.{A.Owner} = @owner", ("@owner", owner));
        if (f.Segment is { } segment) Where($"a.{A.Segment} = @segment", ("@segment", segment));
        if (!f.IncludeChurned && f.Stage is null)
            Where($"s.{S.Stage} <> @churned", ("@churned", (int)LifecycleStage.Churned));
        if (f.RenewalWithinDays is { } within)
        {
            Where($"s.{S.RenewalDate} IS NOT NULL AND s.{S.RenewalDate} >= @from AND s.{S.RenewalDate} <= @to",
                ("@from", dialect.Day(today)), ("@to", dialect.Day(today.AddDays(within))));
        }
        if (query.Within is { } ids) Where(dialect.InIds($"s.{S.AccountId}", "@within"), ("@within", dialect.Ids(ids)));
    }

    /// <summary>The sort column of an order (null: the account id alone), the comparison that comes after a cursor's
    /// key, and the direction.</summary>
    private static (string? Column, string After, bool Ascending) SortColumn(HealthScoreOrder order) => order switch
    {
        HealthScoreOrder.Score => ($"s.{S.Score}", ">", true),
        HealthScoreOrder.Change7Days => ($"s.{S.Change7Days}", ">", true),
        HealthScoreOrder.Arr => ($"s.{S.ArrMicros}", "<", false),
        HealthScoreOrder.RenewalDate => ($"s.{S.RenewalDate}", ">", true),
        _ => (null, ">", true),
    };

    /// <summary>A cursor's key (checked readable by the request reader) as the value its column compares
    /// with.</summary>
    private static object CursorValue(HotReadDialect dialect, HealthScoreOrder order, string key) => order switch
    {
        HealthScoreOrder.Arr => long.Parse(key, CultureInfo.InvariantCulture),
        HealthScoreOrder.RenewalDate =>
            dialect.Day(DateOnly.ParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
        _ => double.Parse(key, CultureInfo.InvariantCulture),
    };
}

/// <summary>A page of <c>ListHealthScores</c> as the store and the hot read take it: filters, order, page size, where
/// the previous page ended, and the accounts of a tree (null: any).</summary>
public sealed record HealthListQuery(
    HealthScoreFilter Filter, HealthScoreOrder Order, int PageSize, HealthScoreCursor? After,
    IReadOnlyCollection<string>? Within);
