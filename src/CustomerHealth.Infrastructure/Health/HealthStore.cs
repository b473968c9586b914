using System.Linq.Expressions;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>The orders of <see cref="HealthStore.ListAsync"/> (and of the hot list read); ties are broken by account
/// id.</summary>
public enum HealthScoreOrder
{
    AccountId = 0,
    /// <summary>Lowest score first, unknown scores last.</summary>
    Score = 1,
    /// <summary>Highest ARR first, accounts without a contract last.</summary>
    Arr = 2,
    /// <summary>Soonest renewal first, accounts without a contract last.</summary>
    RenewalDate = 3,
    /// <summary>Largest 7-day drop first (lowest change), accounts without a 7-day change last.</summary>
    Change7Days = 4,
}

/// <summary>
/// Filters of <see cref="HealthStore.ListAsync"/>; null means any. <paramref name="RenewalWithinDays"/> counts from
/// today. Churned accounts are left out unless <paramref name="IncludeChurned"/> or <paramref name="Stage"/> names a
/// stage (CHURNED included).
/// </summary>
public sealed record HealthScoreFilter(
    HealthBand? Band, CsTier? Tier, string? Owner, LifecycleStage? Stage, int? RenewalWithinDays,
    string? Segment = null, bool IncludeChurned = false);

/// <summary>
/// Where the previous page ended: the last row's sort key (invariant text, empty for none) and its account id.
/// </summary>
public sealed record HealthScoreCursor(string? Key, string AccountId);

/// <summary>Reads of current scores and their daily history.</summary>
public sealed class HealthStore(
    CustomerHealthDbContext db, HealthRecomputer recomputer, HealthOverrideStore overrides, TimeProvider clock)
{
    public const int MaxHistoryDays = 400;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// An account's stored score, or one computed on the spot while it has none yet. Throws <see
    /// cref="NotFoundException"/>.
    /// </summary>
    public async Task<HealthScoreRow> GetAsync(string accountId, CancellationToken ct)
    {
        // The hot read: one query by primary key, with the override in force joined in. (Not an EF compiled query: one
        // of those keeps the provider of the first context that ran it, and a process may hold contexts of several
        // providers.)
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await (
                from s in db.HealthScores.AsNoTracking().Where(s => s.AccountId == accountId)
                from o in db.HealthOverrides.AsNoTracking().Where(o => o.AccountId == s.AccountId && o.ExpiresAt > now)
                    .DefaultIfEmpty()
                select new { Score = s, Override = o })
            .FirstOrDefaultAsync(ct);
        if (found is not null)
        {
            found.Score.Override = found.Override?.ToDomain();
            return found.Score;
        }
        var (scores, missing) = await BatchGetAsync([accountId], ct);
        if (missing.Count > 0) throw new NotFoundException("Account", accountId);
        return scores[0];
    }

    /// <summary>
    /// The scores of the accounts that exist, in the order asked (repeats once), and the ids that name no account.
    /// </summary>
    public async Task<(IReadOnlyList<HealthScoreRow> Scores, IReadOnlyList<string> Missing)> BatchGetAsync(
        IReadOnlyList<string> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        var stored = await db.HealthScores.AsNoTracking().Where(s => ids.Contains(s.AccountId))
            .ToDictionaryAsync(s => s.AccountId, StringComparer.Ordinal, ct);
        var unscored = ids.Where(id => !stored.ContainsKey(id)).ToArray();
        if (unscored.Length > 0)
        {
            foreach (var s in await recomputer.ComputeAsync(unscored, clock.GetUtcNow(), ct)) stored[s.AccountId] = s;
        }
        var found = ids.Where(stored.ContainsKey).Select(id => stored[id]).ToArray();
        await WithOverridesAsync(found, ct);
        return (found, ids.Where(id => !stored.ContainsKey(id)).ToArray());
    }

    /// <summary>Stored scores, filtered, in the given order, keyset-paged.</summary>
    public async Task<Page<HealthScoreRow>> ListAsync(HealthListQuery list, CancellationToken ct)
    {
        var (filter, order, pageSize, after) = (list.Filter, list.Order, list.PageSize, list.After);
        var query = Filtered(filter);
        if (list.Within is { } within)
        {
            var ids = within as string[] ?? within.ToArray();
            query = query.Where(s => ids.Contains(s.AccountId));
        }
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var take = pageSize + 1; // one more: whether there is a next page
        var rows = order switch
        {
            HealthScoreOrder.Score => await ByColumnAsync(query, s => s.Score, false, after, k => double.Parse(k, c),
                take, ct),
            HealthScoreOrder.Change7Days => await ByColumnAsync(query, s => s.Change7Days, false, after,
                k => double.Parse(k, c), take, ct),
            HealthScoreOrder.Arr => await ByColumnAsync(query, s => s.ArrMicros, true, after, k => long.Parse(k, c),
                take, ct),
            HealthScoreOrder.RenewalDate => await ByColumnAsync(query, s => s.RenewalDate, false, after,
                k => DateOnly.ParseExact(k, "yyyy-MM-dd", c), take, ct),
            _ => await ByAccountId(query, after).Take(take).ToListAsync(ct),
        };
        var page = rows.Take(pageSize).ToArray();
        await WithOverridesAsync(page, ct);
        return new Page<HealthScoreRow>(page, rows.Count > pageSize);
    }

    private IQueryable<HealthScoreRow> Filtered(HealthScoreFilter filter)
    {
        var query = db.HealthScores.AsNoTracking();
        if (filter.Band is { } band) query = query.Where(s => s.Band == band);
        if (filter.Tier is { } tier) query = query.Where(s => s.Tier == tier);
        if (filter.Stage is { } stage) query = query.Where(s => s.Stage == stage);
        if (filter.Owner is { } owner) query = query.Where(
            s => db.Accounts.Any(a => a.Id == s.AccountId && a.Owner == owner));
        if (filter.Segment is { } segment)
            query = query.Where(s => db.Accounts.Any(a => a.Id == s.AccountId && a.Segment == segment));
        if (!filter.IncludeChurned && filter.Stage is null) query = query.Where(s => s.Stage != LifecycleStage.Churned);
        if (filter.RenewalWithinDays is { } within)
        {
            var (from, to) = (Today, Today.AddDays(within));
            query = query.Where(s => s.RenewalDate != null && s.RenewalDate >= from && s.RenewalDate <= to);
        }
        return query;
    }

    /// <summary>
    /// A page in <paramref name="column"/>'s order (ascending, or descending), accounts without a value last, ties by
    /// account id, after the cursor <paramref name="after"/> (its key empty: among the accounts without a value).
    /// </summary>
    /// <remarks>
    /// The accounts with a value and those without are read apart, the latter only when the page is not full: one
    /// statement ordered by "is null" first could not be served by the column's <c>(column, account_id)</c> index, and
    /// every page sorted every score (the hot list read does the same, see <see cref="HotReadSql.Page"/>).
    /// </remarks>
    private static async Task<List<HealthScoreRow>> ByColumnAsync<T>(
        IQueryable<HealthScoreRow> query, Expression<Func<HealthScoreRow, T?>> column, bool descending,
        HealthScoreCursor? after, Func<string, T> parse, int take, CancellationToken ct)
        where T : struct
    {
        var row = column.Parameters[0];
        Expression<Func<HealthScoreRow, bool>> Where(Expression body) => Expression.Lambda<Func<HealthScoreRow, bool>>(
            body, row);
        var none = Expression.Constant(null, typeof(T?));
        var rows = new List<HealthScoreRow>(take);
        if (after is null || after.Key is { Length: > 0 })
        {
            var valued = query.Where(Where(Expression.NotEqual(column.Body, none)));
            if (after?.Key is { } k)
            {
                // The bound first, as the index's range; then the accounts after the cursor among equal values.
                var key = Expression.Convert(Captured(parse(k)), typeof(T?));
                var (bound, beyond) = descending
                    ? (Expression.LessThanOrEqual(column.Body, key), Expression.LessThan(column.Body, key))
                    : (Expression.GreaterThanOrEqual(column.Body, key), Expression.GreaterThan(column.Body, key));
                var afterId = Expression.GreaterThan(
                    Expression.Call(StringCompare, Expression.Property(row, nameof(HealthScoreRow.AccountId)),
                        Captured(after.AccountId)),
                    Expression.Constant(0));
                valued = valued.Where(Where(Expression.AndAlso(bound, Expression.OrElse(beyond, afterId))));
            }
            var ordered = descending ? valued.OrderByDescending(column) : valued.OrderBy(column);
            rows.AddRange(await ordered.ThenBy(s => s.AccountId).Take(take).ToListAsync(ct));
        }
        if (rows.Count == take) return rows;
        var nulls = query.Where(Where(Expression.Equal(column.Body, none)));
        if (after is { Key: null or "" } cursor)
        {
            var id = cursor.AccountId;
            nulls = nulls.Where(s => string.Compare(s.AccountId, id) > 0);
        }
        rows.AddRange(await nulls.OrderBy(s => s.AccountId).Take(take - rows.Count).ToListAsync(ct));
        return rows;
    }

    private static readonly System.Reflection.MethodInfo StringCompare =
        typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    /// <summary>A value as EF Core sees a captured variable: a parameter of the statement, not a literal.</summary>
    private static MemberExpression Captured<TValue>(TValue value) =>
        Expression.Property(Expression.Constant(new Box<TValue>(value)), nameof(Box<TValue>.Value));

    private sealed record Box<TValue>(TValue Value);

    private static IOrderedQueryable<HealthScoreRow> ByAccountId(
        IQueryable<HealthScoreRow> query, HealthScoreCursor? after)
    {
        if (after is not null)
        {
            var id = after.AccountId;
            query = query.Where(s => string.Compare(s.AccountId, id) > 0);
        }
        return query.OrderBy(s => s.AccountId);
    }

    /// <summary>
    /// Sets <see cref="HealthScoreRow.Override"/> of each row to the account's override in force now, if any.
    /// </summary>
    private async Task WithOverridesAsync(IReadOnlyList<HealthScoreRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var active = await overrides.ActiveAsync(rows.Select(r => r.AccountId).ToArray(), ct);
        foreach (var row in rows) row.Override = active.GetValueOrDefault(row.AccountId);
    }

    /// <summary>
    /// The sort key of a row under <paramref name="order"/>, as <see cref="ListAsync"/> reads it back from a cursor.
    /// </summary>
    public static string? SortKeyOf(HealthScoreRow row, HealthScoreOrder order) => order switch
    {
        HealthScoreOrder.Score => row.Score?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        HealthScoreOrder.Change7Days =>
            row.Change7Days?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        HealthScoreOrder.Arr => row.ArrMicros?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        HealthScoreOrder.RenewalDate =>
            row.RenewalDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        _ => null,
    };

    /// <summary>
    /// An account's snapshots from <paramref name="from"/> to <paramref name="to"/>, oldest first. Throws <see
    /// cref="NotFoundException"/>.
    /// </summary>
    public async Task<IReadOnlyList<HealthSnapshotRow>> HistoryAsync(
        string accountId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
        return await db.HealthSnapshots.AsNoTracking()
            .Where(s => s.AccountId == accountId && s.Day >= from && s.Day <= to)
            .OrderBy(s => s.Day)
            .ToListAsync(ct);
    }
}
