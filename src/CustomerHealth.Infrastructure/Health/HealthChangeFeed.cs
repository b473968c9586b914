using System.Runtime.CompilerServices;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// Filters of the change feed; null means any. The band is the new band, the tier the one scored under, the owner the
/// account's current one.
/// </summary>
public sealed record HealthChangeFilter(HealthBand? Band, CsTier? Tier, string? Owner, string? Segment = null);

/// <summary>
/// Reads the change feed (<c>health_changes</c>) after a cursor: a page for a polling bot, or a live tail for a stream.
/// Both are plain queries on the sequence, so any replica serves them and a caught-up poll costs one index seek.
/// </summary>
public sealed class HealthChangeFeed(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Up to <paramref name="pageSize"/> entries with a sequence above <paramref name="afterSequence"/>, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<HealthChangeRow>> ListAsync(
        long afterSequence, int pageSize, HealthChangeFilter filter, CancellationToken ct)
    {
        var query = db.HealthChanges.AsNoTracking().Where(c => c.Sequence > afterSequence);
        if (filter.Band is { } band) query = query.Where(c => c.Band == band);
        if (filter.Tier is { } tier) query = query.Where(c => c.Tier == tier);
        if (filter.Owner is { } owner) query = query.Where(
            c => db.Accounts.Any(a => a.Id == c.AccountId && a.Owner == owner));
        if (filter.Segment is { } segment)
            query = query.Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Segment == segment));
        return await query.OrderBy(c => c.Sequence).Take(pageSize).ToListAsync(ct);
    }

    /// <summary>
    /// Every entry after <paramref name="afterSequence"/>, then each new one as it appears, by polling every <paramref
    /// name="pollInterval"/> while caught up. Ends (without an exception) when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<HealthChangeRow> FollowAsync(
        long afterSequence, HealthChangeFilter filter, TimeSpan pollInterval, int pageSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var cursor = afterSequence;
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<HealthChangeRow> page;
            try
            {
                page = await ListAsync(cursor, pageSize, filter, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                yield break;
            }
            foreach (var change in page)
            {
                yield return change;
                cursor = change.Sequence;
            }
            if (page.Count == pageSize) continue;
            try
            {
                await Task.Delay(pollInterval, clock, ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
