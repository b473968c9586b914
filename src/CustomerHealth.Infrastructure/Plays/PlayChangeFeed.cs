using System.Runtime.CompilerServices;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Plays;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>Filters of the play change feed; null means any. Owner and tier are the play's current ones.</summary>
public sealed record PlayChangeFilter(string? Owner, CsTier? Tier);

/// <summary>A feed entry with the play as it is now.</summary>
public sealed record PlayChangeEntry(PlayChangeRow Change, Play Play);

/// <summary>
/// Reads the play change feed (<c>play_changes</c>) after a cursor: a page for a polling bot, or a live tail for a
/// stream. Plain queries on the sequence, so any replica serves them.
/// </summary>
public sealed class PlayChangeFeed(CustomerHealthDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<PlayChangeEntry>> ListAsync(long afterSequence, int pageSize,
        PlayChangeFilter filter, CancellationToken ct)
    {
        var query =
            from c in db.PlayChanges.AsNoTracking()
            join p in db.Plays.AsNoTracking() on c.PlayId equals p.Id
            where c.Sequence > afterSequence
            select new { c, p };
        if (filter.Owner is { } owner) query = query.Where(x => x.p.Owner == owner);
        if (filter.Tier is { } tier) query = query.Where(x => x.p.Tier == tier);
        var rows = await query.OrderBy(x => x.c.Sequence).Take(pageSize).ToListAsync(ct);
        return rows.Select(x => new PlayChangeEntry(x.c, x.p)).ToArray();
    }

    /// <summary>
    /// Every entry after <paramref name="afterSequence"/>, then each new one, polling every
    /// <paramref name="pollInterval"/> while caught up. Ends (without an exception) when <paramref name="ct"/> is
    /// cancelled.
    /// </summary>
    public async IAsyncEnumerable<PlayChangeEntry> FollowAsync(long afterSequence, PlayChangeFilter filter,
        TimeSpan pollInterval, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        var cursor = afterSequence;
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<PlayChangeEntry> page;
            try
            {
                page = await ListAsync(cursor, pageSize, filter, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                yield break;
            }
            foreach (var entry in page)
            {
                yield return entry;
                cursor = entry.Change.Sequence;
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
