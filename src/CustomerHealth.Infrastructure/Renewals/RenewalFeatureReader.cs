using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
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
/// source for a chunk of requests, each request keeping only what its own instant allows), each scored with the
/// scorecard in force at the instant (all versions read once), and its longer-window evidence (<see
/// cref="RenewalHistoryReader"/>, read the same way). A chunk holds every request of its accounts, so a training reads
/// each source of an account once over the span of its outcomes' instants, not once per outcome and window; up to
/// <see cref="RenewalOptions.ReadParallelism"/> chunks are read at once, each on a context of its own (ADR 0088).
/// Nothing recorded after the instant can reach a row. Requests of accounts that no longer exist are left out.
/// </summary>
public sealed class RenewalFeatureReader(
    CustomerHealthDbContext db, SignalReader signals, RenewalHistoryReader histories, ScorecardStore scorecards,
    IServiceScopeFactory scopes, RenewalOptions? options = null, ILogger<RenewalFeatureReader>? logger = null)
{
    /// <summary>About how many requests one chunk of reads serves.</summary>
    public const int BatchSize = 500;
    public const int ScoreChangeDays = 30;

    public Task<IReadOnlyList<RenewalFeatureRow>> ReadAsync(
        IReadOnlyCollection<RenewalFeatureRequest> requests, CancellationToken ct) =>
        ReadAsync(requests, BatchSize, options?.ReadParallelism ?? Environment.ProcessorCount, ct);

    /// <summary><see cref="ReadAsync(IReadOnlyCollection{RenewalFeatureRequest}, CancellationToken)"/> with chunks of
    /// about <paramref name="batchSize"/> requests, <paramref name="parallelism"/> at once (tests read with small
    /// chunks and several at once to compare).</summary>
    internal async Task<IReadOnlyList<RenewalFeatureRow>> ReadAsync(
        IReadOnlyCollection<RenewalFeatureRequest> requests, int batchSize, int parallelism, CancellationToken ct)
    {
        var times = new StageTimes();
        var inForce = await times.TimeAsync("scorecards", () => scorecards.InForceAtManyAsync(
            requests.Select(r => r.AsOf.UtcDateTime), ct));
        // Rows come back in the order of instants, then accounts, whatever order the chunks are read in.
        var sorted = requests.OrderBy(r => r.AsOf).ThenBy(r => r.AccountId, StringComparer.Ordinal).ToArray();
        var rows = new RenewalFeatureRow?[sorted.Length];
        var chunks = ByAccount(sorted, batchSize).ToArray();
        // Chunks are independent: with more than one, up to `parallelism` are read at once, each on its own context
        // and connection (a scope of its own), unless the caller reads inside a transaction of this context.
        if (parallelism > 1 && chunks.Length > 1 && db.Database.CurrentTransaction is null)
            await Parallel.ForEachAsync(
                chunks, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                async (chunk, token) =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<RenewalFeatureReader>()
                        .ReadChunkAsync(sorted, chunk, inForce, rows, times, token);
                });
        else
            foreach (var chunk in chunks) await ReadChunkAsync(sorted, chunk, inForce, rows, times, ct);
        times.LogDebug(logger, $"Reading the renewal features of {requests.Count} requests");
        return rows.OfType<RenewalFeatureRow>().ToArray();
    }

    /// <summary>The rows of one chunk (indexes into <paramref name="sorted"/>), into their places in <paramref
    /// name="rows"/>.</summary>
    private async Task ReadChunkAsync(
        RenewalFeatureRequest[] sorted, int[] chunk, IReadOnlyDictionary<DateTime, Scorecard> inForce,
        RenewalFeatureRow?[] rows, StageTimes times, CancellationToken ct)
    {
        var wanted = chunk.Select(i => sorted[i]).ToArray();
        // Each request's signals as of its instant (with the longer history's daily rollups: the score reads only its
        // own windows of them) and as of 30 days before (ReadSignalsAsync), then the history. All the reads of a chunk
        // see one committed state (ConsistentReads).
        var pairs = Pairs(wanted, inForce);
        var (read, history) = await db.InOneSnapshotAsync(async () => (
            await times.TimeAsync("signals", () => ReadSignalsAsync(pairs, ct)),
            await times.TimeAsync("history", () => histories.ReadManyAsync(pairs[..wanted.Length], ct))), ct);
        var started = StageTimes.Start();
        for (var j = 0; j < wanted.Length; j++)
        {
            if (read[j] is not { } now) continue;
            rows[chunk[j]] = Row(
                wanted[j], now, read[wanted.Length + j], history[j], inForce[wanted[j].AsOf.UtcDateTime]);
        }
        times.Stop("scores and features", started);
    }

    /// <summary>
    /// The signal pairs of <paramref name="wanted"/>: each request as of its instant, with the daily rollups the longer
    /// history needs, then each as of 30 days before, with those its scorecard needs.
    /// </summary>
    private static SignalRequest[] Pairs(
        RenewalFeatureRequest[] wanted, IReadOnlyDictionary<DateTime, Scorecard> inForce)
    {
        var now = wanted.Select(r => new SignalRequest(r.AccountId, r.AsOf)
        {
            UsageHistoryDays = Math.Max(inForce[r.AsOf.UtcDateTime].UsageHistoryDays, RenewalHistory.UsageDays),
        });
        var before = wanted.Select(r => new SignalRequest(r.AccountId, r.AsOf.AddDays(-ScoreChangeDays))
        {
            UsageHistoryDays = inForce[r.AsOf.UtcDateTime].UsageHistoryDays,
        });
        return [.. now, .. before];
    }

    /// <summary>One request's row from its signals as of its instant and 30 days before, and its history.</summary>
    private static RenewalFeatureRow Row(
        RenewalFeatureRequest request, AccountSignalsRead now, AccountSignalsRead? before, RenewalHistory history,
        Scorecard scorecard)
    {
        var score = HealthScorer.Score(now.Signals, scorecard);
        var scoreBefore = before is { } earlier ? HealthScorer.Score(earlier.Signals, scorecard).Score : null;
        var features = RenewalFeatures.Build(
            new RenewalFeatureInput(
                now.Signals, score, scoreBefore, request.Arr, request.RenewalDate,
                history with { Days = now.Signals.Usage.Days }));
        return new RenewalFeatureRow(request, features, score.Score, now.Signals.Tier);
    }

    /// <summary>
    /// Indexes into <paramref name="sorted"/> (by instant, then account) chunked by account: every request of an
    /// account in one chunk, accounts added in the order of their earliest instant (then id) until a chunk holds
    /// <paramref name="batchSize"/> requests or more. So each source of an account is read once for all its instants,
    /// and a chunk's accounts have nearby earliest instants: with one outcome an account (annual contracts) a chunk
    /// spans a few weeks of instants, as chunks cut by instant do, not the whole year that accounts taken in id order
    /// span, and each source is read over that span only.
    /// </summary>
    private static IEnumerable<int[]> ByAccount(RenewalFeatureRequest[] sorted, int batchSize)
    {
        var chunk = new List<int>(batchSize);
        // GroupBy yields the groups in the order their keys first occur: the order of each account's earliest instant.
        foreach (var account in Enumerable.Range(0, sorted.Length)
            .GroupBy(i => sorted[i].AccountId, StringComparer.Ordinal))
        {
            chunk.AddRange(account);
            if (chunk.Count < batchSize) continue;
            yield return [.. chunk];
            chunk.Clear();
        }
        if (chunk.Count > 0) yield return [.. chunk];
    }

    /// <summary>
    /// The signals of <paramref name="pairs"/> (each request as of its instant, then each as of 30 days before): one
    /// read when the instants differ (training), two when every request has the same instant (live predictions), so
    /// that each read stays on one day and the database counts its active users and key features.
    /// </summary>
    private async Task<IReadOnlyList<AccountSignalsRead?>> ReadSignalsAsync(SignalRequest[] pairs, CancellationToken ct)
    {
        var half = pairs.Length / 2;
        if (pairs[..half].Any(p => p.AsOf != pairs[0].AsOf)) return await signals.ReadManyAsync(pairs, 0, ct);
        var now = await signals.ReadManyAsync(pairs[..half], 0, ct);
        return [.. now, .. await signals.ReadManyAsync(pairs[half..], 0, ct)];
    }

    /// <summary>
    /// The former read, kept to compare with: chunks of <see cref="BatchSize"/> requests sorted by instant, three reads
    /// each (signals as of each instant, as of 30 days before, history).
    /// </summary>
    public async Task<IReadOnlyList<RenewalFeatureRow>> ReadByInstantAsync(
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
