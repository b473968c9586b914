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
/// <para>
/// Kept answers (the read model, ADR 0072). After <see cref="Keep"/>, answers stored as kept do not age out: they are
/// served while a poller of the other replicas' writes vouches for them (<see cref="Covered"/>, at most <see
/// cref="TimeToLive"/> after the start of its last complete poll), up to <see cref="MaxKept"/> of them; past that, new
/// answers are not kept, and reads of their accounts take the database as without the read model.
/// </para>
/// </summary>
public sealed class HealthReadCache
{
    // A power of two; many, so that kept answers (about one per account) are seldom dropped with a neighbour's write.
    private const int Stripes = 1 << 16;
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
    private long _coveredUntil;
    private volatile bool _keeping;

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

    private sealed record Entry(object Value, long Generation, long StaleAt, DateTimeOffset? EndsAt, bool Kept);

    /// <summary>The most kept answers (<see cref="Keep"/>); zero while answers are not kept.</summary>
    public int MaxKept { get; private set; }

    /// <summary>Whether answers stored as kept outlive <see cref="TimeToLive"/> (see <see cref="Keep"/>).</summary>
    public bool Keeping => _keeping;

    /// <summary>How many answers are held, kept or not.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// From now on answers stored as kept are served past <see cref="TimeToLive"/> while <see cref="Covered"/> vouches
    /// for them, up to <paramref name="maxKept"/> of them (which replaces <see cref="MaxEntries"/>).
    /// </summary>
    public void Keep(int maxKept)
    {
        if (maxKept < 1) throw new ArgumentOutOfRangeException(nameof(maxKept));
        MaxKept = maxKept;
        _keeping = Enabled;
    }

    /// <summary>
    /// Every write committed before <paramref name="pollStarted"/> (a timestamp of the clock) has been invalidated:
    /// kept answers may be served until <see cref="TimeToLive"/> after it.
    /// </summary>
    public void Covered(long pollStarted)
    {
        var until = pollStarted + _ttlTicks;
        if (until > Volatile.Read(ref _coveredUntil)) Volatile.Write(ref _coveredUntil, until);
    }

    /// <summary>Every stripe's generation now: tickets for answers read after this (see <see cref="TicketOf"/>).
    /// </summary>
    public long[] TakeAll()
    {
        var all = new long[Stripes];
        for (var i = 0; i < Stripes; i++) all[i] = Volatile.Read(ref _generations[i]);
        return all;
    }

    /// <summary>The ticket of <paramref name="accountId"/> among those <see cref="TakeAll"/> took.</summary>
    public static Ticket TicketOf(long[] all, string accountId) => new(all[StripeOf(accountId)]);

    /// <summary>
    /// The answer stored for <paramref name="accountId"/>, if it is still valid at <paramref name="now"/> (the
    /// application clock).
    /// </summary>
    public bool TryGet<T>(string accountId, DateTimeOffset now, out T value) where T : class
    {
        if (Enabled && _entries.TryGetValue(accountId, out var entry)
                    && entry.Value is T found
                    && entry.Generation == Volatile.Read(ref _generations[StripeOf(accountId)])
                    && Fresh(entry, _clock.GetTimestamp())
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

    private bool Fresh(Entry entry, long now) =>
        now < entry.StaleAt || (entry.Kept && now < Volatile.Read(ref _coveredUntil));

    /// <summary>Taken before reading the database for <paramref name="accountId"/>.</summary>
    public Ticket Take(string accountId) => new(Volatile.Read(ref _generations[StripeOf(accountId)]));

    /// <summary>
    /// Stores the answer read under <paramref name="ticket"/>; it is served until it ages out, until <paramref
    /// name="endsAt"/> (by the application clock: when an override shown in it expires), or until the account is
    /// invalidated. A <paramref name="kept"/> answer (the stored score, not one computed on the spot) does not age out
    /// while answers are kept (<see cref="Keep"/>).
    /// </summary>
    public void Set(string accountId, Ticket ticket, object value, DateTimeOffset? endsAt, bool kept = false)
    {
        if (!Enabled || ticket.Generation != Volatile.Read(ref _generations[StripeOf(accountId)])) return;
        kept &= _keeping;
        var entry = new Entry(value, ticket.Generation, _clock.GetTimestamp() + _ttlTicks, endsAt, kept);
        if (_keeping && Volatile.Read(ref _count) >= MaxKept && !_entries.ContainsKey(accountId))
        {
            if (kept || Volatile.Read(ref _count) >= MaxKept + SweepAbove) return; // full: read from the database
        }
        var added = false;
        _entries.AddOrUpdate(accountId, _ => { added = true; return entry; }, (_, _) => entry);
        if (!added) return;
        var count = Interlocked.Increment(ref _count);
        var most = _keeping ? MaxKept + SweepAbove : MaxEntries;
        if (count > most || (count > SweepAbove && _clock.GetTimestamp() >= Volatile.Read(ref _nextSweep)))
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
            if (((entry.StaleAt <= now && !entry.Kept)
                 || entry.Generation != Volatile.Read(ref _generations[StripeOf(id)]))
                && _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                Interlocked.Decrement(ref _count);
        }
        if (Volatile.Read(ref _count) > (_keeping ? MaxKept + SweepAbove : MaxEntries)) Clear();
    }

    private void Clear()
    {
        foreach (var id in _entries.Keys)
            if (_entries.TryRemove(id, out _)) Interlocked.Decrement(ref _count);
    }

    private static int StripeOf(string accountId) => StringComparer.Ordinal.GetHashCode(accountId) & (Stripes - 1);
}
