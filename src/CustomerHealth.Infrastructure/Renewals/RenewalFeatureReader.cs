using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Health;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>One contract's renewal to build features for, as of an instant (a lead time before a recorded renewal, or now).</summary>
public sealed record RenewalFeatureRequest(string AccountId, string ContractId, decimal Arr, string Currency, DateOnly RenewalDate, DateTimeOffset AsOf);

/// <summary>The features of one request, with the health score they were taken with and the account's tier.</summary>
public sealed record RenewalFeatureRow(RenewalFeatureRequest Request, RenewalFeatureVector Features, double? HealthScore, CsTier Tier);

/// <summary>
/// Reads what <see cref="RenewalFeatures.Build"/> needs, for training and live prediction alike: for each distinct as-of
/// instant, the accounts' signals as of that instant and as of 30 days before (one set-based read per source and batch,
/// through <see cref="SignalReader"/>, which ignores anything dated later), each scored with the scorecard in force at the
/// instant. Nothing recorded after the instant can reach a row. Requests of accounts that no longer exist are left out.
/// </summary>
public sealed class RenewalFeatureReader(SignalReader signals, ScorecardStore scorecards)
{
    public const int BatchSize = 500;
    public const int ScoreChangeDays = 30;

    public async Task<IReadOnlyList<RenewalFeatureRow>> ReadAsync(IReadOnlyCollection<RenewalFeatureRequest> requests, CancellationToken ct)
    {
        var rows = new List<RenewalFeatureRow>(requests.Count);
        foreach (var instant in requests.GroupBy(r => r.AsOf))
        {
            var asOf = instant.Key;
            var scorecard = await scorecards.InForceAtAsync(asOf.UtcDateTime, ct);
            foreach (var chunk in instant.Chunk(BatchSize))
            {
                var ids = chunk.Select(r => r.AccountId).Distinct(StringComparer.Ordinal).ToArray();
                var now = (await signals.ReadAsync(ids, asOf, scorecard.UsageHistoryDays, ct)).ToDictionary(r => r.AccountId, StringComparer.Ordinal);
                var before = (await signals.ReadAsync(ids, asOf.AddDays(-ScoreChangeDays), scorecard.UsageHistoryDays, ct))
                    .ToDictionary(r => r.AccountId, r => HealthScorer.Score(r.Signals, scorecard).Score, StringComparer.Ordinal);
                var scores = now.ToDictionary(kv => kv.Key, kv => HealthScorer.Score(kv.Value.Signals, scorecard), StringComparer.Ordinal);
                foreach (var request in chunk)
                {
                    if (!now.TryGetValue(request.AccountId, out var read)) continue;
                    var score = scores[request.AccountId];
                    var features = RenewalFeatures.Build(new RenewalFeatureInput(read.Signals, score, before.GetValueOrDefault(request.AccountId), request.Arr, request.RenewalDate));
                    rows.Add(new RenewalFeatureRow(request, features, score.Score, read.Signals.Tier));
                }
            }
        }
        return rows;
    }
}
