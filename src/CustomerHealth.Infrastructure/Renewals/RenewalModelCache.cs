using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// The serving model in memory (one per process): null while the heuristic serves. A new model replaces the old one by
/// a single reference assignment, so a prediction in flight uses the old model or the new one whole, never a mix, and
/// reads never wait for a training. Replicas pick up a model another one trained through <see cref="SyncAsync"/>. Also
/// caches the ARR change seen in renewal history (refreshed every <see cref="ArrHistoryLifetime"/>).
/// </summary>
public sealed class RenewalModelCache
{
    public static readonly TimeSpan ArrHistoryLifetime = TimeSpan.FromMinutes(10);
    private ServingRenewalModel? _current;
    private (ArrChangeHistory History, DateTimeOffset ReadAt)? _arrHistory;

    public ServingRenewalModel? Current => Volatile.Read(ref _current);

    public int CurrentVersion => Current?.Version ?? 0;

    public void Swap(ServingRenewalModel? model) => Interlocked.Exchange(ref _current, model);

    /// <summary>
    /// Loads the database's serving model when it is not the one in memory; returns true when it swapped.
    /// </summary>
    public async Task<bool> SyncAsync(RenewalModelStore store, CancellationToken ct)
    {
        var serving = await store.ServingVersionAsync(ct);
        if (serving == CurrentVersion && (serving != 0 || Unservable is null)) return false;
        if (serving == Unservable) return false;
        Unservable = null;
        if (serving == 0)
        {
            Swap(null);
            return true;
        }
        var loaded = await store.LoadServingAsync(ct);
        if (loaded is not { } m) return false;
        var detail = RenewalModelDetail.Deserialize(m.DetailJson);
        if (!detail.ServableByThisBuild)
        {
            Swap(null);
            Unservable = m.Version;
            return true;
        }
        Swap(ServingRenewalModel.Load(m.Version, m.Kind, m.Bytes, detail));
        return true;
    }

    /// <summary>
    /// The version the database marks as serving when this build cannot compute its features (trained with another
    /// feature builder version): the heuristic serves in its place until a model trained by this build passes the
    /// gate (automatic training retrains at once, see <see cref="RenewalTraining.IsTrainingDueAsync"/>). Null
    /// otherwise.
    /// </summary>
    public int? Unservable { get; private set; }

    public async Task<ArrChangeHistory> ArrHistoryAsync(
        CustomerHealthDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (_arrHistory is { } cached && now - cached.ReadAt < ArrHistoryLifetime) return cached.History;
        var renewals = await db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.Outcome.Kind == RenewalOutcomeKind.Renewed)
            .Join(
                db.Accounts, c => c.AccountId, a => a.Id,
                (c, a) => new { a.EffectiveTier, c.ArrAmount, c.Outcome!.NewArr })
            .ToListAsync(ct);
        var history = ArrChangeHistory.From(
            renewals.Select(r => new RecordedRenewal(r.EffectiveTier, r.ArrAmount, r.NewArr)));
        _arrHistory = (history, now);
        return history;
    }

    /// <summary>Forgets the cached ARR history (after outcomes were recorded in bulk, and in tests).</summary>
    public void ForgetArrHistory() => _arrHistory = null;
}
