using System.Collections.Concurrent;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// A short-lived, in-process cache of answers to single-account score reads (the server keeps the mapped message, so a
/// hit costs neither a query nor a mapping).
/// <para>
/// Freshness. Every write of this process that can change an account's answer (a recompute storing scores, an override
/// set or cleared, the account deleted) invalidates it after committing, so this replica reads its own writes. Writes
/// made by another replica are seen once the entry ages out: an entry lives at most <see cref="TimeToLive"/> (by the
/// clock's timestamps, which go on when a test holds its wall-clock time still), and never past the end of the override
/// it shows.
/// </para>
/// <para>
/// Races. A reader takes a <see cref="Ticket"/> before it queries and stores its answer with that ticket; an
/// invalidation advances its stripe's generation, and an entry stored under an older generation is never served. So an
/// answer read just before a commit cannot outlive the invalidation that follows the commit.
/// </para>
/// Memory is bounded: entries that aged out are swept every few seconds (once there are more than a few), and past <see
/// cref="MaxEntries"/> at once, so reading many accounts once each does not leave their answers behind; if a sweep
/// frees too little, the cache is emptied.
/// </summary>
public sealed class HealthReadCache
{
    private const int Stripes = 1024; // a power of two
    private readonly long[] _generations = new long[Stripes];
    private int _count;
    private int _sweeping;
    private long _nextSweep;
    private readonly long _sweepEveryTicks;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _ttlTicks;
    private readonly TimeProvider _clock;

    /// <summary>Below this many entries, aged-out ones are left for the next sweep.</summary>
    private const int SweepAbove = 1024;

    private readonly Telemetry.ServiceMetrics? _metrics;

    public HealthReadCache(
        TimeSpan timeToLive, TimeProvider clock, int maxEntries = 100_000, Telemetry.ServiceMetrics? metrics = null)
    {
        _metrics = metrics;
        if (timeToLive < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeToLive));
        if (maxEntries < 1) throw new ArgumentOutOfRangeException(nameof(maxEntries));
        TimeToLive = timeToLive;
        MaxEntries = maxEntries;
        _clock = clock;
        _ttlTicks = (long)(timeToLive.TotalSeconds * clock.TimestampFrequency);
        _sweepEveryTicks = Math.Max(_ttlTicks, 5 * clock.TimestampFrequency);
        _nextSweep = clock.GetTimestamp() + _sweepEveryTicks;
    }

    /// <summary>
    /// The default of <see cref="TimeToLive"/>: a score read on another replica lags a write by at most this long.
    /// </summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(1);

    /// <summary>How long an entry may be served; zero turns the cache off.</summary>
    public TimeSpan TimeToLive { get; }

    public int MaxEntries { get; }

    public bool Enabled => _ttlTicks > 0;

    /// <summary>What a reader must hold from before its query until it stores the answer.</summary>
    public readonly record struct Ticket(long Generation);

    private sealed record Entry(object Value, long Generation, long StaleAt, DateTimeOffset? EndsAt);

    /// <summary>
    /// The answer stored for <paramref name="accountId"/>, if it is still valid at <paramref name="now"/> (the
    /// application clock).
    /// </summary>
    public bool TryGet<T>(string accountId, DateTimeOffset now, out T value) where T : class
    {
        if (Enabled && _entries.TryGetValue(accountId, out var entry)
                    && entry.Value is T found
                    && entry.Generation == Volatile.Read(ref _generations[StripeOf(accountId)])
                    && _clock.GetTimestamp() < entry.StaleAt
                    && !(entry.EndsAt <= now))
        {
            value = found;
            _metrics?.ReadCacheLookup(hit: true);
            return true;
        }
        value = null!;
        if (Enabled) _metrics?.ReadCacheLookup(hit: false);
        return false;
    }

    /// <summary>Taken before reading the database for <paramref name="accountId"/>.</summary>
    public Ticket Take(string accountId) => new(Volatile.Read(ref _generations[StripeOf(accountId)]));

    /// <summary>
    /// Stores the answer read under <paramref name="ticket"/>; it is served until it ages out, until <paramref
    /// name="endsAt"/> (by the application clock: when an override shown in it expires), or until the account is
    /// invalidated.
    /// </summary>
    public void Set(string accountId, Ticket ticket, object value, DateTimeOffset? endsAt)
    {
        if (!Enabled) return;
        var entry = new Entry(value, ticket.Generation, _clock.GetTimestamp() + _ttlTicks, endsAt);
        var added = false;
        _entries.AddOrUpdate(accountId, _ => { added = true; return entry; }, (_, _) => entry);
        if (!added) return;
        var count = Interlocked.Increment(ref _count);
        if (count > MaxEntries || (count > SweepAbove && _clock.GetTimestamp() >= Volatile.Read(ref _nextSweep)))
            Sweep();
    }

    /// <summary>After a committed write that changes these accounts' answers.</summary>
    public void Invalidate(IEnumerable<string> accountIds)
    {
        foreach (var id in accountIds) Invalidate(id);
    }

    public void Invalidate(string accountId)
    {
        Interlocked.Increment(ref _generations[StripeOf(accountId)]);
        if (_entries.TryRemove(accountId, out _)) Interlocked.Decrement(ref _count);
    }

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return; // one sweep at a time; the others go on
        try
        {
            SweepOnce();
        }
        finally
        {
            Volatile.Write(ref _nextSweep, _clock.GetTimestamp() + _sweepEveryTicks);
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void SweepOnce()
    {
        var now = _clock.GetTimestamp();
        foreach (var (id, entry) in _entries)
        {
            if ((entry.StaleAt <= now || entry.Generation != Volatile.Read(ref _generations[StripeOf(id)]))
                && _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                Interlocked.Decrement(ref _count);
        }
        if (Volatile.Read(ref _count) > MaxEntries) Clear();
    }

    private void Clear()
    {
        foreach (var id in _entries.Keys)
            if (_entries.TryRemove(id, out _)) Interlocked.Decrement(ref _count);
    }

    private static int StripeOf(string accountId) => StringComparer.Ordinal.GetHashCode(accountId) & (Stripes - 1);
}
