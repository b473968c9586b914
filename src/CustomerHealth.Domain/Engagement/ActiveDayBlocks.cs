using System.Runtime.InteropServices;

namespace CustomerHealth.Domain.Engagement;

/// <summary>
/// The days on which one user was active within one block of <see cref="ActiveDayBlocks.Length"/> consecutive days, as
/// a bit set: bit <c>i</c> is the block's day <c>i</c>. To add one to a stored row is a bitwise OR.
/// </summary>
public sealed record ActiveDayBlock(string AccountId, string UserId, int Block, long Days);

/// <summary>
/// A compact form of the user-day rollups for distinct-user questions: one row per (account, user, block of 63 days)
/// instead of one per active user-day. Counting the distinct users active in a window of up to 63 days reads at most
/// two rows per user (the recompute's 30-day windows read 2 blocks, against up to 60 user-day rows per user). Blocks
/// are numbered from 0001-01-01 (<see cref="DateOnly.DayNumber"/> / 63), so every database computes the same one.
/// </summary>
public static class ActiveDayBlocks
{
    /// <summary>
    /// Days per block: bits 0 to 62 of a signed 64-bit integer. The sign bit is never used, so in SQL the SUM of a
    /// row's distinct day bits equals their OR and never overflows (SQLite has no bitwise aggregate).
    /// </summary>
    public const int Length = 63;

    public static int BlockOf(DateOnly day) => day.DayNumber / Length;

    public static long BitOf(DateOnly day) => 1L << (day.DayNumber % Length);

    public static DateOnly FirstDayOf(int block) => DateOnly.FromDayNumber(block * Length);

    public static DateOnly LastDayOf(int block) => DateOnly.FromDayNumber(block * Length + Length - 1);

    /// <summary>
    /// The bits of <paramref name="block"/>'s days that fall within [<paramref name="from"/>, <paramref name="to"/>] (0
    /// when none).
    /// </summary>
    public static long Mask(int block, DateOnly from, DateOnly to)
    {
        var start = block * Length;
        var low = Math.Max(from.DayNumber, start) - start;
        var high = Math.Min(to.DayNumber, start + Length - 1) - start;
        if (high < low) return 0;
        // At most 63 bits wide, so the shift below never reaches the sign bit.
        return ((1L << (high - low + 1)) - 1) << low;
    }

    /// <summary>
    /// The blocks that user-days newly active in a batch add, one per (account, user, block), sorted by key.
    /// </summary>
    public static IReadOnlyList<ActiveDayBlock> Of(IEnumerable<UserDayDelta> activeUserDays)
    {
        // One hash lookup per user-day and one sort of plain arrays by account rank, as in RollupDeltas.From: on the
        // SQLite writer, three chained LINQ orderings of the blocks cost about as much as writing them.
        var blocks = new Dictionary<(string, int, string), long>();
        foreach (var d in activeUserDays)
        {
            if (d.ActiveEvents <= 0) continue;
            CollectionsMarshal.GetValueRefOrAddDefault(blocks, (d.AccountId, BlockOf(d.Day), d.UserId), out _) |=
                BitOf(d.Day);
        }
        var ranks = RollupDeltas.AccountRanks(blocks.Keys.Select(k => k.Item1));
        var keys = new RollupDeltas.SortKey[blocks.Count];
        var sorted = new ActiveDayBlock[blocks.Count];
        var i = 0;
        foreach (var ((accountId, block, userId), days) in blocks)
        {
            keys[i] = new RollupDeltas.SortKey(ranks[accountId], block, userId);
            sorted[i++] = new ActiveDayBlock(accountId, userId, block, days);
        }
        Array.Sort(keys, sorted);
        return sorted;
    }

    /// <summary>
    /// The blocks to OR into the stored rows after the user-day upserts: only user-days that became active in this
    /// batch (active events after the upsert equal to the batch's own), the same transition that counts an
    /// account-day's active users in <see cref="RollupDeltas.ForAccounts"/>. A day already active changes nothing, so a
    /// user's later events of the day cost no block write.
    /// </summary>
    public static IReadOnlyList<ActiveDayBlock> NewlyActive(
        IEnumerable<(UserDayDelta Delta, int EventsAfter, int ActiveEventsAfter)> applied) =>
        Of(applied.Where(a => RollupDeltas.BecameActive(a.Delta, a.ActiveEventsAfter)).Select(a => a.Delta));

    /// <summary>
    /// The distinct users with an active day within [<paramref name="from"/>, <paramref name="to"/>].
    /// </summary>
    public static int DistinctUsers(IEnumerable<ActiveDayBlock> blocks, DateOnly from, DateOnly to) =>
        blocks.Where(b => (b.Days & Mask(b.Block, from, to)) != 0).Select(b => b.UserId)
            .Distinct(StringComparer.Ordinal).Count();
}
