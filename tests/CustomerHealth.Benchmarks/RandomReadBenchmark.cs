using System.Globalization;
using CustomerHealth.Benchmarks.Bare;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 24: reads spread over a whole portfolio. In each round, the same in-process closed-loop client (see <see
/// cref="ClosedLoop"/>) calls: the bare grpc-dotnet server with a random account id; <c>GetHealthScore</c> of a
/// uniformly random account on the service as shipped (read cache on; a miss takes the hot read, <see
/// cref="HealthScoreReader"/>); the same on a second instance whose hot read is off (the DbContext path, as before
/// issue 24); <c>GetHealthScore</c> of one account (a read-cache hit); <c>BatchGetHealthScores</c> of 100 random
/// accounts; <c>ListHealthScores</c> pages walked in account order. The ratios are each round's against that round's
/// bare server; goals are judged on the medians of the rounds, and the exit code is 1 below the floor or on any failed
/// call.
/// </summary>
internal static class RandomReadBenchmark
{
    public const double FloorRatio = 0.30;
    public const double GoalRatio = 0.60;
    public const double ScoresFloor = 20_000;
    public const double ScoresGoal = 50_000;
    public const double HalfSaturationP99Ms = 10;
    private const int BatchSize = 100;

    public static async Task<int> RunAsync(ModeOptions options, TextWriter log, CancellationToken ct)
    {
        await using var smoke = options.Smoke ? await SmokePortfolio.CreateAsync(ct) : null;
        var database = smoke?.Database ?? options.Database!;
        if (options.Pipeline) return await PipelineProfile.RunAsync(options, database, log, ct);
        var loads = new List<string> { Machine.LoadAverage() };
        await using var bare = await BareServer.StartAsync(new GrpcStatusCounter(), ct);
        // Both as shipped: authentication, telemetry and the rate limiter (its read limit raised), request limits.
        var ttl = options.ReadCacheTtlMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        var (settings, shipped, limiter) =
            PipelineProfile.AsShipped(database, ExistingDatabase.HealthOptionsOnly(500, ttl, options.ReadModel));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using var service = await InProcessServer.StartAsync(settings, ct, shipped, afterSecurity: limiter);
        if (options.ReadModel) await ReadModelLoadedAsync(service, heapBefore, log);
        var (_, shippedBefore, _) = PipelineProfile.AsShipped(database, WithoutHotRead);
        await using var before = await InProcessServer.StartAsync(settings, ct, shippedBefore, afterSecurity: limiter);
        var ids = await AccountIdsAsync(service.Channel, ct);
        log.WriteLine($"{ids.Length:N0} accounts with a stored score; {options.InFlight} calls in flight, " +
            $"{options.Rounds} round(s) of {options.WarmUpSeconds} + {options.DurationSeconds} s per server.");
        var profile = await MissProfile.RunAsync(service.Services, ids, options.Smoke ? 50 : 3000, ct);
        var runner = new Runner(options, ids, bare, service, before,
            await DatabaseCpu.TryCreateAsync(database, ct, ownBackendsOnly: true));
        var rounds = new List<LoopResult[]>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            rounds.Add(await runner.RoundAsync(ct));
            loads.Add(Machine.LoadAverage());
            log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] round {round}: " + string.Join("; ", rounds[^1].Select(r =>
                string.Create(CultureInfo.InvariantCulture, $"{r.Name} {r.CallsPerSecond:N0}/s"))));
        }
        log.WriteLine();
        log.WriteLine("Where a miss goes, one call at a time over random accounts:");
        log.WriteLine();
        log.WriteLine("| step | CPU µs per call | wall µs per call |");
        log.WriteLine("| --- | ---: | ---: |");
        foreach (var line in profile) log.WriteLine(line);
        var saturated = Median(rounds.Select(r => r[1])).CallsPerSecond;
        var half = await runner.HalfSaturationAsync(saturated / 2, ct);
        loads.Add(Machine.LoadAverage());
        return Report(log, options, database, ids.Length, rounds, half, loads);
    }

    /// <summary>
    /// Waits for the read model's load (ADR 0072) and prints its wall time, the answers held and the managed heap it
    /// added (a full collection before the server started and after the load).
    /// </summary>
    private static async Task ReadModelLoadedAsync(InProcessServer service, long heapBefore, TextWriter log)
    {
        var model = service.Services.GetRequiredService<Server.Health.HealthReadModel>();
        var elapsed = await model.Loaded;
        var held = service.Services.GetRequiredService<HealthReadCache>().Count;
        var added = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        log.WriteLine(FormattableString.Invariant(
            $"Read model: {held:N0} answers loaded in {elapsed.TotalSeconds:F2} s (wall, cold); managed heap ") +
            FormattableString.Invariant(
            $"+{added / 1048576.0:N0} MiB since before the server started, {added / 1024.0 / Math.Max(1, held):F1} ") +
            "KiB per answer held.");
    }

    /// <summary>The service with its hot read off: every miss takes the DbContext path (the "before").</summary>
    private static void WithoutHotRead(WebApplicationBuilder builder)
    {
        ExistingDatabase.HealthOptionsOnly(500)(builder);
        builder.Services.AddSingleton(_ => new HealthScoreReader(
            new DatabaseOptions { Provider = DatabaseProvider.SqlServer }, "unused"));
    }

    private static async Task<string[]> AccountIdsAsync(GrpcChannel channel, CancellationToken ct)
    {
        var client = new HealthService.HealthServiceClient(channel);
        var ids = new List<string>();
        var request = new ListHealthScoresRequest { PageSize = 1000, IncludeChurned = true };
        do
        {
            var page = await client.ListHealthScoresAsync(request, cancellationToken: ct);
            ids.AddRange(page.Scores.Select(s => s.AccountId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return ids.Count > 0 ? [.. ids]
            : throw new InvalidOperationException("No stored health score: run RecomputeHealthScores first.");
    }

    internal sealed class Runner(
        ModeOptions options, string[] ids, BareServer bare, InProcessServer service, InProcessServer before,
        DatabaseCpu? databaseCpu)
    {
        private readonly BareService.BareServiceClient _bare = new(Channel(bare.Address, null));
        private readonly HealthService.HealthServiceClient _service =
            new(Channel(service.Address, service.AccessToken));
        private readonly HealthService.HealthServiceClient _before = new(Channel(before.Address, before.AccessToken));

        private TimeSpan WarmUp => TimeSpan.FromSeconds(options.WarmUpSeconds);
        private TimeSpan Measured => TimeSpan.FromSeconds(options.DurationSeconds);
        private string Pick(Random random) => ids[random.Next(ids.Length)];

        public async Task<LoopResult[]> RoundAsync(CancellationToken ct) =>
        [
            await Loop("bare grpc-dotnet, random id", options.InFlight, async (r, c) =>
            {
                await _bare.GetAsync(new GetRequest { AccountId = Pick(r) }, cancellationToken: c);
                return 1;
            }, ct),
            await Loop("GetHealthScore, random account", options.InFlight, (r, c) => GetAsync(_service, r, c), ct),
            await Loop("GetHealthScore, hot read off (before)", options.InFlight, (r, c) => GetAsync(_before, r, c),
                ct),
            // Always the same account: a read-cache hit, no database. Hit minus bare is what a call costs besides
            // the read (authentication, the larger answer); random minus hit is the read itself.
            await Loop("GetHealthScore, one account (cache hit)", options.InFlight, async (_, c) =>
            {
                await _service.GetHealthScoreAsync(
                    new GetHealthScoreRequest { AccountId = ids[0] }, cancellationToken: c);
                return 1;
            }, ct),
            await BatchAsync("", _service, ct),
            await ListAsync("", _service, ct),
            // The DbContext path of batch and list reads (ADR 0077's "before").
            await BatchAsync(", hot read off (before)", _before, ct),
            await ListAsync(", hot read off (before)", _before, ct),
        ];

        /// <summary>
        /// The bare server and <c>GetHealthScore</c> of a random account, one after the other, each at <paramref
        /// name="perSecond"/> calls a second from an open loop (<see cref="OpenLoop"/>): the latency below
        /// saturation.
        /// </summary>
        public async Task<LoopResult[]> HalfSaturationAsync(double perSecond, CancellationToken ct) =>
        [
            await OpenLoop.RunAsync("bare grpc-dotnet, random id, open loop", perSecond, WarmUp, Measured,
                async (r, c) =>
                {
                    await _bare.GetAsync(new GetRequest { AccountId = Pick(r) }, cancellationToken: c);
                    return 1;
                }, ct),
            await OpenLoop.RunAsync("GetHealthScore, random account, open loop", perSecond, WarmUp, Measured,
                (r, c) => GetAsync(_service, r, c), ct),
        ];

        private Task<LoopResult> BatchAsync(string variant, HealthService.HealthServiceClient client,
            CancellationToken ct) =>
            Loop($"BatchGetHealthScores, {BatchSize} random accounts{variant}", options.BatchInFlight, async (r, c) =>
            {
                var request = new BatchGetHealthScoresRequest();
                for (var i = 0; i < BatchSize; i++) request.AccountIds.Add(Pick(r));
                return (await client.BatchGetHealthScoresAsync(request, cancellationToken: c)).Scores.Count;
            }, ct);

        private async Task<int> GetAsync(HealthService.HealthServiceClient client, Random r, CancellationToken c)
        {
            await client.GetHealthScoreAsync(new GetHealthScoreRequest { AccountId = Pick(r) }, cancellationToken: c);
            return 1;
        }

        /// <summary>Pages of <c>ListHealthScores</c> in account order; each caller starts over at the end.</summary>
        private Task<LoopResult> ListAsync(string variant, HealthService.HealthServiceClient client,
            CancellationToken ct)
        {
            var tokens = new System.Collections.Concurrent.ConcurrentDictionary<Random, string>();
            var name = $"ListHealthScores, pages of {options.PageSize}{variant}";
            return Loop(name, options.BatchInFlight, async (r, c) =>
            {
                var request = new ListHealthScoresRequest
                {
                    PageSize = options.PageSize, IncludeChurned = true, PageToken = tokens.GetValueOrDefault(r, ""),
                };
                var page = await client.ListHealthScoresAsync(request, cancellationToken: c);
                tokens[r] = page.NextPageToken;
                return page.Scores.Count;
            }, ct);
        }

        private Task<LoopResult> Loop(
            string name, int inFlight, Func<Random, CancellationToken, Task<int>> call, CancellationToken ct) =>
            ClosedLoop.RunAsync(name, inFlight, WarmUp, Measured, call, ct, databaseCpu);

        /// <summary>
        /// A channel of the benchmark's client: as many HTTP/2 connections as the calls in flight need.
        /// </summary>
        public static GrpcChannel Channel(Uri address, string? token) => GrpcChannel.ForAddress(address,
            new GrpcChannelOptions
            {
                Credentials = token is null
                    ? Grpc.Core.ChannelCredentials.Insecure
                    : Client.CustomerHealthClientExtensions.BearerCredentials(token, tls: false),
                UnsafeUseInsecureChannelCallCredentials = true,
                // Calls in flight beyond one connection's 100 streams open more connections, as h2load's -c does.
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
    }

    private static int Report(TextWriter log, ModeOptions options, ExistingDatabase database, int accounts,
        List<LoopResult[]> rounds, LoopResult[] halfSaturation, List<string> loads)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        log.WriteLine($"Machine: {Machine.Describe()}. Database: {database.Description}, {accounts:N0} accounts. " +
            "Load average (1, 5, 15 min) at the start, after each round and after the open-loop runs: " +
            $"{string.Join(" | ", loads)}.");
        log.WriteLine();
        log.WriteLine(
            "| round | run | calls/s | of bare | items/s | p50 ms | p99 ms | process CPU µs/call, allocated per call " +
            "| ok / failed |");
        log.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < rounds.Count; i++)
            foreach (var r in rounds[i])
            {
                var bare = rounds[i][0];
                log.WriteLine($"| {i + 1} " + r.Row(r == bare ? null : r.CallsPerSecond / bare.CallsPerSecond));
            }
        var median = Enumerable.Range(0, rounds[0].Length).Select(k => Median(rounds.Select(r => r[k]))).ToArray();
        double Ratio(int k) => MedianOf(rounds.Select(r => r[k].CallsPerSecond / r[0].CallsPerSecond));
        log.WriteLine();
        log.WriteLine($"Medians of {rounds.Count} round(s): each column the round whose call rate is the median, but " +
            "the share of bare the median of each round's ratio to its own bare run (the figure judged):");
        for (var k = 0; k < median.Length; k++) log.WriteLine("| median " + median[k].Row(k == 0 ? null : Ratio(k)));
        WriteHalfSaturation(log, halfSaturation);
        var (get, before, batch, list) = (Ratio(1), Ratio(2), median[4].ItemsPerSecond, median[5].ItemsPerSecond);
        log.WriteLine();
        log.WriteLine(options.Smoke ? "Smoke run: nothing below is judged, only that every call succeeded." : "Goals:");
        log.WriteLine(string.Create(c, $"  [{Judge(get >= GoalRatio, get >= FloorRatio)}] GetHealthScore, random " +
            $"account: {get:P1} of the bare server (goal {GoalRatio:P0}, floor {FloorRatio:P0}); " +
            $"hot read off: {before:P1}"));
        var p99 = halfSaturation[1].P99Ms;
        log.WriteLine(string.Create(c, $"  [{(p99 < HalfSaturationP99Ms ? "goal met" : "goal NOT met")}] " +
            $"GetHealthScore, random account, at half its saturated rate: p99 {p99:N2} ms (goal < " +
            $"{HalfSaturationP99Ms} ms)"));
        log.WriteLine(string.Create(c,
            $"  [{Judge(batch >= ScoresGoal, batch >= ScoresFloor)}] BatchGetHealthScores: " +
            $"{batch:N0} scores/s; [{Judge(list >= ScoresGoal, list >= ScoresFloor)}] ListHealthScores: {list:N0} " +
            $"scores/s (goal {ScoresGoal:N0}, floor {ScoresFloor:N0})"));
        var failed = rounds.SelectMany(r => r).Concat(halfSaturation).Where(r => r.Failed > 0).ToArray();
        foreach (var f in failed)
            log.WriteLine($"  FAILED calls in '{f.Name}': {f.Failed:N0}, first: {f.FirstFailure}");
        if (failed.Length > 0) return 1;
        return options.Smoke || get >= FloorRatio ? 0 : 1;
    }

    private static void WriteHalfSaturation(TextWriter log, LoopResult[] runs)
    {
        log.WriteLine();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"At half the saturated rate of GetHealthScore, " +
            $"random account (the median round's): {runs[1].CallsPerSecond:N0} calls/s started at a fixed rate " +
            $"(open loop), latency from when each call was due:"));
        log.WriteLine();
        log.WriteLine(
            "| run | calls/s | | items/s | p50 ms | p99 ms | process CPU µs/call, allocated per call | ok / failed |");
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs) log.WriteLine(r.Row(null));
        log.WriteLine();
        foreach (var r in runs.Where(r => r.Pacing is not null))
        {
            var (lag, most) = r.Pacing!.Value;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name}: calls started by the pacer up to {lag:N2} ms late (p99); at most {most:N0} in flight."));
        }
    }

    private static string Judge(bool goal, bool floor) => goal ? "goal met" : floor ? "floor met" : "floor NOT met";

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>The round whose call rate is the median, so its columns belong together.</summary>
    private static LoopResult Median(IEnumerable<LoopResult> runs)
    {
        var sorted = runs.OrderBy(r => r.CallsPerSecond).ToArray();
        return sorted[sorted.Length / 2];
    }
}
