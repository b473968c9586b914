using System.Text.Json;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>A prediction computed for one contract, stored or not.</summary>
public sealed record ComputedPrediction(RenewalPredictionRow Row, CsTier Tier);

/// <summary>
/// Computes and stores renewal predictions: for the open contracts (no outcome, renewal date from today to the horizon)
/// of a batch of accounts, features as of now (<see cref="RenewalFeatureReader"/>, the training reader), the serving
/// model (or the prior), expected ARR from the renewal history, and in one transaction the upserted rows, the rows of
/// those accounts whose contract is no longer open removed, and the change-feed entries due.
/// </summary>
public sealed class RenewalPredictor(
    CustomerHealthDbContext db, RenewalFeatureReader reader, RenewalModelCache cache, RenewalOptions options,
        TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Open contracts renewing from today to the horizon.</summary>
    public IQueryable<Contract> OpenInHorizon()
    {
        var today = Today;
        var last = today.AddDays(options.HorizonDays);
        return db.Contracts.AsNoTracking().Where(c => c.Outcome == null && c.EndDate >= today && c.EndDate <= last);
    }

    /// <summary>
    /// Recomputes and stores the predictions of <paramref name="accountIds"/>; returns how many contracts were
    /// predicted.
    /// </summary>
    public async Task<int> RefreshAccountsAsync(IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        if (accountIds.Count == 0) return 0;
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        var contracts = await OpenInHorizon().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct);
        var computed = await ComputeAsync(contracts, ct);
        await StoreAsync(ids, computed, ct);
        return computed.Count;
    }

    /// <summary>
    /// Recomputes every account that has an open contract in the horizon or a stored prediction, in batches.
    /// </summary>
    public async Task<int> RefreshAllAsync(CancellationToken ct)
    {
        var open = await OpenInHorizon().Select(c => c.AccountId).Distinct().ToListAsync(ct);
        var stored = await db.RenewalPredictions.AsNoTracking().Select(p => p.AccountId).Distinct().ToListAsync(ct);
        var total = 0;
        foreach (var chunk in open.Union(stored, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Chunk(options.BatchSize))
            total += await RefreshAccountsAsync(chunk, ct);
        return total;
    }

    /// <summary>
    /// Accounts whose stored predictions disagree with their open contracts: an open contract in the horizon without a
    /// prediction (new, or it came within the horizon), or a prediction whose contract closed, left the horizon or is
    /// gone.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindOutOfStepAsync(CancellationToken ct)
    {
        var open = OpenInHorizon();
        var missing = await open.Where(c => !db.RenewalPredictions.Any(p => p.ContractId == c.Id))
            .Select(c => c.AccountId).Distinct().ToListAsync(ct);
        var stale = await db.RenewalPredictions.AsNoTracking().Where(p => !open.Any(c => c.Id == p.ContractId))
            .Select(p => p.AccountId).Distinct().ToListAsync(ct);
        return missing.Union(stale, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Predictions for <paramref name="contracts"/> as of now, not stored.</summary>
    public async Task<IReadOnlyList<ComputedPrediction>> ComputeAsync(
        IReadOnlyList<Contract> contracts, CancellationToken ct)
    {
        if (contracts.Count == 0) return [];
        var now = clock.GetUtcNow();
        var rows = await reader.ReadAsync(
            contracts.Select(c => new RenewalFeatureRequest(c.AccountId, c.Id, c.ArrAmount, c.Currency, c.EndDate, now))
            .ToArray(), ct);
        var model = cache.Current;
        var estimates = model is null
            ? rows.Select(r => ServingRenewalModel.Heuristic(r.Features)).ToArray()
            : model.Predict(rows.Select(r => r.Features).ToArray());
        var history = await cache.ArrHistoryAsync(db, now, ct);
        var computedAt = now.UtcDateTime;
        return rows.Zip(estimates, (r, e) =>
        {
            var ratio = history.RatioFor(r.Tier);
            return new ComputedPrediction(new RenewalPredictionRow
            {
                ContractId = r.Request.ContractId,
                AccountId = r.Request.AccountId,
                RenewalDate = r.Request.RenewalDate,
                ArrMicros = Micros(r.Request.Arr),
                Currency = r.Request.Currency,
                Probability = e.Probability,
                Risk = RenewalRisks.Of(e.Probability),
                ExpectedArrMicros = Micros(history.ExpectedRenewalArr(e.Probability, r.Request.Arr, r.Tier)),
                ArrChangeRatio = ratio,
                DriversJson = JsonSerializer.Serialize(
                    e.Drivers.Select(d => new DriverJson(d.Feature, d.Value, d.Contribution)), Json),
                ModelKind = e.Kind,
                ModelVersion = e.Version,
                HealthScore = r.HealthScore,
                AsOf = r.Request.AsOf.UtcDateTime,
                ComputedAt = computedAt,
            }, r.Tier);
        }).ToArray();
    }

    public static IReadOnlyList<RenewalDriver> DriversOf(RenewalPredictionRow row) =>
        (JsonSerializer.Deserialize<DriverJson[]>(row.DriversJson, Json) ?? [])
            .Select(d => new RenewalDriver(d.Feature, d.Value, d.Contribution)).ToArray();

    private sealed record DriverJson(string Feature, double Value, double Contribution);

    private static long Micros(decimal amount) => (long)decimal.Round(amount * 1_000_000m, 0, MidpointRounding.ToEven);

    /// <summary>
    /// In one transaction under the feed lock: replaces the stored predictions of <paramref name="accountIds"/> with
    /// <paramref name="computed"/> and appends a change-feed entry for each first prediction, risk change, move of at
    /// least the threshold, model change and removal.
    /// </summary>
    private async Task StoreAsync(string[] accountIds, IReadOnlyList<ComputedPrediction> computed, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await LockChangeFeedAsync(ct);
            var stored = await db.RenewalPredictions.Where(p => accountIds.Contains(p.AccountId))
                .ToDictionaryAsync(p => p.ContractId, StringComparer.Ordinal, ct);
            var contractIds = computed.Select(c => c.Row.ContractId).ToArray();
            // A contract can have moved to this batch's account from a row stored under another account id: look it up
            // by id too.
            foreach (var other in await db.RenewalPredictions.Where(
                p => contractIds.Contains(p.ContractId) && !accountIds.Contains(p.AccountId)).ToListAsync(ct))
                stored[other.ContractId] = other;
            var lastEntries = await LastEntriesAsync(
                stored.Keys.Union(contractIds, StringComparer.Ordinal).ToArray(), ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (row, _) in computed)
            {
                kept.Add(row.ContractId);
                if (stored.TryGetValue(row.ContractId, out var existing)) db.Entry(existing)
                    .CurrentValues.SetValues(row);
                else db.RenewalPredictions.Add(row);
                var last = lastEntries.GetValueOrDefault(row.ContractId);
                var reason = ReasonFor(last, row);
                if (reason != PredictionChangeReason.Unspecified) db.RenewalPredictionChanges.Add(
                    Entry(row.ContractId, row.AccountId, reason, last, row, now));
            }
            foreach (var gone in stored.Values.Where(s => !kept.Contains(s.ContractId)))
            {
                db.RenewalPredictions.Remove(gone);
                db.RenewalPredictionChanges.Add(
                    Entry(
                        gone.ContractId, gone.AccountId, PredictionChangeReason.Removed,
                        lastEntries.GetValueOrDefault(gone.ContractId), null, now) with
                    {
                        RenewalDate = gone.RenewalDate,
                    });
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
    }

    private PredictionChangeReason ReasonFor(RenewalPredictionChangeRow? last, RenewalPredictionRow row) =>
        last is null || last.Reason == PredictionChangeReason.Removed || last.Probability is not { } before
            ? PredictionChangeReason.FirstPrediction
        : last.Risk != row.Risk ? PredictionChangeReason.RiskChanged
        : last.ModelVersion != row.ModelVersion ? PredictionChangeReason.ModelChanged
        : Math.Abs(before - row.Probability) >= options.ChangeThreshold ? PredictionChangeReason.Moved
        : PredictionChangeReason.Unspecified;

    private static RenewalPredictionChangeRowData Entry(
        string contractId, string accountId, PredictionChangeReason reason, RenewalPredictionChangeRow? last,
        RenewalPredictionRow? row, DateTime now) =>
        new(contractId, accountId, reason, last?.Reason == PredictionChangeReason.Removed ? null : last?.Probability,
            last?.Reason == PredictionChangeReason.Removed ? RenewalRisk.Unspecified : last?.Risk
                ?? RenewalRisk.Unspecified,
            row?.Probability, row?.Risk ?? RenewalRisk.Unspecified, row?.ModelVersion ?? last?.ModelVersion ?? 0,
                row?.RenewalDate ?? default, now);

    /// <summary>Each contract's newest feed entry, read under the feed lock.</summary>
    private async Task<Dictionary<string, RenewalPredictionChangeRow>> LastEntriesAsync(
        string[] contractIds, CancellationToken ct)
    {
        var result = new Dictionary<string, RenewalPredictionChangeRow>(StringComparer.Ordinal);
        foreach (var chunk in contractIds.Chunk(500))
        {
            var entries = await db.RenewalPredictionChanges.AsNoTracking()
                .Where(
                    c => chunk.Contains(c.ContractId)
                    && c.Sequence == db.RenewalPredictionChanges.Where(o => o.ContractId == c.ContractId)
                    .Max(o => o.Sequence))
                .ToListAsync(ct);
            foreach (var e in entries) result[e.ContractId] = e;
        }
        return result;
    }

    /// <summary>
    /// Serialises writers of the feed until the transaction ends, so sequences commit in the order they were taken and
    /// a poller that has seen sequence n never later sees a smaller one appear (as for the health change feed).
    /// </summary>
    private Task LockChangeFeedAsync(CancellationToken ct) =>
        FeedWriteLock.TakeAsync(db, SqlSchema.RenewalPredictionChanges.Table, ct);
}

/// <summary>The values of a new feed entry; converted to a row when added.</summary>
internal sealed record RenewalPredictionChangeRowData(
    string ContractId, string AccountId, PredictionChangeReason Reason, double? PreviousProbability,
        RenewalRisk PreviousRisk,
    double? Probability, RenewalRisk Risk, int ModelVersion, DateOnly RenewalDate, DateTime ComputedAt)
{
    public static implicit operator RenewalPredictionChangeRow(RenewalPredictionChangeRowData d) => new()
    {
        ContractId = d.ContractId,
        AccountId = d.AccountId,
        Reason = d.Reason,
        PreviousProbability = d.PreviousProbability,
        PreviousRisk = d.PreviousRisk,
        Probability = d.Probability,
        Risk = d.Risk,
        ModelVersion = d.ModelVersion,
        RenewalDate = d.RenewalDate,
        ComputedAt = d.ComputedAt,
    };
}
