using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// One contract's renewal to build features for, as of an instant (a lead time before a recorded renewal, or now).
/// </summary>
public sealed record RenewalFeatureRequest(
    string AccountId, string ContractId, decimal Arr, string Currency, DateOnly RenewalDate, DateTimeOffset AsOf);

/// <summary>The features of one request, with the health score they were taken with and the account's tier.</summary>
public sealed record RenewalFeatureRow(
    RenewalFeatureRequest Request, RenewalFeatureVector Features, double? HealthScore, CsTier Tier);

/// <summary>
/// Reads what <see cref="RenewalFeatures.Build"/> needs, for training and live prediction alike: each request's account
/// signals as of its instant and as of 30 days before (<see cref="SignalReader.ReadManyAsync"/>: one set-based read per
/// source for a chunk of requests sorted by instant, each request keeping only what its own instant allows), each
/// scored with the scorecard in force at the instant, and its longer-window evidence (<see
/// cref="RenewalHistoryReader"/>, read the same way). Nothing recorded after the instant can reach a row. Requests of
/// accounts that no longer exist are left out.
/// </summary>
public sealed class RenewalFeatureReader(
    CustomerHealthDbContext db, SignalReader signals, RenewalHistoryReader histories, ScorecardStore scorecards,
    ILogger<RenewalFeatureReader>? logger = null)
{
    public const int BatchSize = 500;
    public const int ScoreChangeDays = 30;

    public async Task<IReadOnlyList<RenewalFeatureRow>> ReadAsync(
        IReadOnlyCollection<RenewalFeatureRequest> requests, CancellationToken ct)
    {
        var rows = new List<RenewalFeatureRow>(requests.Count);
        var scorecardsAt = new Dictionary<DateTimeOffset, Scorecard>();
        var times = new StageTimes();
        // Sorted by instant and chunked, so each chunk's instants are close together and its reads span little history.
        foreach (var chunk in requests.OrderBy(r => r.AsOf).ThenBy(r => r.AccountId, StringComparer.Ordinal)
            .Chunk(BatchSize))
        {
            foreach (var instant in chunk.Select(r => r.AsOf).Distinct())
            {
                if (!scorecardsAt.ContainsKey(instant)) scorecardsAt[instant] = await times.TimeAsync(
                    "scorecards", () => scorecards.InForceAtAsync(instant.UtcDateTime, ct));
            }
            var historyDays = chunk.Max(r => scorecardsAt[r.AsOf].UsageHistoryDays);
            // The daily rollups of the longer history come with the signals (the score reads only its own windows of
            // them). All three reads of a chunk see one committed state (ConsistentReads).
            var (now, history, before) = await db.InOneSnapshotAsync(async () => (
                await times.TimeAsync("signals", () => signals.ReadManyAsync(
                    chunk.Select(r => new SignalRequest(r.AccountId, r.AsOf)).ToArray(),
                    Math.Max(historyDays, RenewalHistory.UsageDays), ct)),
                await times.TimeAsync("history", () => histories.ReadManyAsync(
                    chunk.Select(r => new SignalRequest(r.AccountId, r.AsOf)).ToArray(), ct)),
                await times.TimeAsync("signals 30 days before", () => signals.ReadManyAsync(
                    chunk.Select(r => new SignalRequest(r.AccountId, r.AsOf.AddDays(-ScoreChangeDays))).ToArray(),
                    historyDays, ct))), ct);
            var started = StageTimes.Start();
            for (var i = 0; i < chunk.Length; i++)
            {
                if (now[i] is not { } read) continue;
                var scorecard = scorecardsAt[chunk[i].AsOf];
                var score = HealthScorer.Score(read.Signals, scorecard);
                var scoreBefore = before[i] is { } earlier ? HealthScorer.Score(earlier.Signals, scorecard).Score
                    : null;
                var features = RenewalFeatures.Build(
                    new RenewalFeatureInput(
                        read.Signals, score, scoreBefore, chunk[i].Arr, chunk[i].RenewalDate,
                        history[i] with { Days = read.Signals.Usage.Days }));
                rows.Add(new RenewalFeatureRow(chunk[i], features, score.Score, read.Signals.Tier));
            }
            times.Stop("scores and features", started);
        }
        times.LogDebug(logger, $"Reading the renewal features of {rows.Count} requests");
        return rows;
    }
}
