using System.Globalization;
using CustomerHealth.Benchmarks.Bare;
using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 6 (b): h2load against <c>HealthService/GetHealthScore</c> (the real server, in this process, on an existing
/// portfolio with stored scores) and against a bare grpc-dotnet server answering an empty message, with the same
/// request bytes, the same h2load options, one after the other in the same run. Failures are counted by grpc-status on
/// each server (h2load sees HTTP 200 either way).
/// </summary>
internal static class ReadBenchmark
{
    public const double GoalRatio = 0.6;

    public static async Task<int> RunAsync(ModeOptions options, TextWriter log, CancellationToken ct)
    {
        if (H2Load.Find() is not { } h2load)
        {
            log.WriteLine("h2load is not installed (Debian: apt-get install -y nghttp2-client).");
            return 2;
        }
        var database = options.Database!;
        var loads = new List<string> { Machine.LoadAverage() };
        var serviceCounter = new GrpcStatusCounter();
        var bareCounter = new GrpcStatusCounter();
        await using var server = await InProcessServer.StartAsync(
            database.ServerSettings, ct, ExistingDatabase.HealthOptionsOnly(500), serviceCounter.AttachTo);
        await using var bare = await BareServer.StartAsync(bareCounter, ct);

        var health = new HealthService.HealthServiceClient(server.Channel);
        var accountId = await AccountToReadAsync(options, health, log, ct);
        var sequentialLine = await ProfileOneAtATimeAsync(server, health, accountId, log, ct);
        serviceCounter.Reset();

        // Same bytes to both: GetRequest has GetHealthScoreRequest's shape.
        var request = new GetHealthScoreRequest { AccountId = accountId };
        var runs = new List<RunResult>();
        var databaseCpu = await DatabaseCpu.TryCreateAsync(database, ct);
        async Task Run(string name, Uri address, string path, GrpcStatusCounter counter)
        {
            runs.Add(await MeasureAsync(
                new(h2load, options, request, server.AccessToken, databaseCpu, log), name, address, path, counter, ct));
            loads.Add(Machine.LoadAverage());
        }
        await Run("bare grpc-dotnet server (empty answer)", bare.Address, BareServer.Path, bareCounter);
        await Run(
            "HealthService/GetHealthScore", server.Address, "/customerhealth.v1.HealthService/GetHealthScore",
            serviceCounter);
        // The same read with the read cache off: every call reads the database (the cost of a miss, or of reads spread
        // over more accounts than are read twice within Health:ReadCacheTtl).
        var uncachedCounter = new GrpcStatusCounter();
        var cacheOff = ExistingDatabase.HealthOptionsOnly(500, readCacheTtl: TimeSpan.Zero);
        await using (var uncached =
                     await InProcessServer.StartAsync(database.ServerSettings, ct, cacheOff, uncachedCounter.AttachTo))
        {
            await new HealthService.HealthServiceClient(uncached.Channel)
                .GetHealthScoreAsync(request, cancellationToken: ct);
            await Run(
                "HealthService/GetHealthScore, read cache off", uncached.Address,
                "/customerhealth.v1.HealthService/GetHealthScore", uncachedCounter);
        }

        WriteReport(log, database, accountId, loads, sequentialLine, runs, bare.Address);
        return runs.All(r => r.Counter.Failed == 0 && r.Result.Failed <= 0 && r.Result.Errored <= 0) ? 0 : 1;
    }

    /// <summary>
    /// Where a call's time goes, one call at a time: the store read alone (a scope, HealthStore.GetAsync), the mapping
    /// to the message, and the whole call over gRPC.
    /// </summary>
    private static async Task<string> ProfileOneAtATimeAsync(
        InProcessServer server, HealthService.HealthServiceClient health, string accountId, TextWriter log,
        CancellationToken ct)
    {
        var c0 = CultureInfo.InvariantCulture;
        const int sequential = 2000;
        var storeClock = System.Diagnostics.Stopwatch.StartNew();
        Infrastructure.Health.HealthScoreRow? row = null;
        for (var i = 0; i < sequential; i++)
        {
            await using var scope = server.Services.CreateAsyncScope();
            row = await scope.ServiceProvider.GetRequiredService<Infrastructure.Health.HealthStore>()
                .GetAsync(accountId, ct);
        }
        storeClock.Stop();
        var mapClock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < sequential; i++) Server.Health.HealthMapping.ToProto(row!);
        mapClock.Stop();
        var callCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var callClock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < sequential; i++) await health.GetHealthScoreAsync(
            new GetHealthScoreRequest { AccountId = accountId }, cancellationToken: ct);
        callClock.Stop();
        callCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - callCpu;
        var sequentialLine = string.Create(c0,
            $"One at a time ({sequential:N0} each, wall time): store read " +
            $"{storeClock.Elapsed.TotalMilliseconds * 1000 / sequential:N0} µs, mapping " +
            $"{mapClock.Elapsed.TotalMilliseconds * 1000 / sequential:N0} µs, whole gRPC call " +
            $"{callClock.Elapsed.TotalMilliseconds * 1000 / sequential:N0} µs (CPU of client and server: " +
            $"{callCpu.TotalMilliseconds * 1000 / sequential:N0} µs).");
        log.WriteLine(sequentialLine);
        return sequentialLine;
    }

    private sealed record RunResult(
        string Name, H2LoadResult Result, GrpcStatusCounter Counter, double CpuMicros, double? DatabaseCpuMicros);

    private static void WriteReport(
        TextWriter log, ExistingDatabase database, string accountId, List<string> loads, string sequentialLine,
        List<RunResult> runs, Uri bareAddress)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        log.WriteLine(
            $"Machine: {Machine.Describe()}. Database: {database.Description}. Account read: {accountId}. Load " +
            $"average (1, 5, 15 min) at the start and after each run: {string.Join(" | ", loads)}.");
        log.WriteLine(sequentialLine);
        var bareUrl = bareAddress.ToString().TrimEnd('/') + BareServer.Path;
        log.WriteLine(
            "Command (each server): " +
            runs[0].Result.Command.Replace(bareUrl, "http://127.0.0.1:PORT/METHOD", StringComparison.Ordinal));
        log.WriteLine();
        log.WriteLine(
            "| server | req/s | p50 ms | p99 ms | mean ms | requests logged | h2load failed / errored | grpc-status " +
            "on the server (warm-up included) | server CPU µs/call | database CPU µs/call |");
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
        foreach (var (name, r, counter, cpuMicros, dbMicros) in runs)
            log.WriteLine(
                string.Create(
                    c,
                    $"| {name} | {r.RequestsPerSecond:N0} | {r.P50Ms:N2} | {r.P99Ms:N2} | {r.MeanMs:N2} | " +
                    $"{r.LoggedRequests:N0} | {r.Failed:N0} / {r.Errored:N0} | {counter.Describe()} | {cpuMicros:N0} " +
                    $"| {(dbMicros is { } d ? d.ToString("N0", c) : "n/a")} |"));
        var ratio = runs[1].Result.RequestsPerSecond / runs[0].Result.RequestsPerSecond;
        log.WriteLine();
        log.WriteLine("Goals:");
        log.WriteLine(
            string.Create(
                c,
                $"  [{(ratio >= GoalRatio ? "met" : "NOT met")}] GetHealthScore ≥ {GoalRatio:P0} of the bare " +
                $"server's throughput: {ratio:P0}"));
        log.WriteLine(
            string.Create(
                c,
                $"  Server CPU per call: GetHealthScore {runs[1].CpuMicros / runs[0].CpuMicros:N1}× the bare " +
                $"server's ({runs[2].CpuMicros / runs[0].CpuMicros:N1}× with the read cache off, " +
                $"{runs[2].Result.RequestsPerSecond / runs[0].Result.RequestsPerSecond:P1} of its throughput)."));
    }

    /// <summary>What every h2load run of one benchmark shares.</summary>
    private sealed record RunSetup(
        string H2load, ModeOptions Options, GetHealthScoreRequest Request, string? AccessToken,
            DatabaseCpu? DatabaseCpu,
        TextWriter Log);

    /// <summary>One h2load run against one server, with the server's and the database's CPU per call.</summary>
    private static async Task<RunResult> MeasureAsync(
        RunSetup setup, string name, Uri address, string path, GrpcStatusCounter counter, CancellationToken ct)
    {
        counter.Reset();
        setup.Log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] h2load → {name}…");
        // Both servers live in this process and run one at a time, so this process's CPU time over a run is the
        // server's (h2load is another process): CPU per answered call does not depend on how busy the rest of the
        // machine is.
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var dbCpu = setup.DatabaseCpu?.Now();
        var result = await H2Load.RunAsync(
            setup.H2load, address, path, setup.Request, setup.Options.Connections, setup.Options.Streams,
            setup.Options.WarmUpSeconds, setup.Options.DurationSeconds, ct, setup.AccessToken);
        var calls = Math.Max(1, counter.Ok + counter.Failed);
        var cpuMicros = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds
            * 1000 / calls;
        double? dbMicros = setup.DatabaseCpu is null ? null : (setup.DatabaseCpu.Now() - dbCpu!.Value).TotalMilliseconds
            * 1000 / calls;
        setup.Log.WriteLine(result.RawSummary);
        setup.Log.WriteLine(
            $"  server side: {counter.Describe()}; {cpuMicros:N0} µs CPU per call in this " +
            $"process{(dbMicros is { } d ? $", {d:N0} µs in the database server" : "")}");
        return new RunResult(name, result, counter, cpuMicros, dbMicros);
    }

    /// <summary>
    /// The account the options name, or else the first with a stored score; logs the size of its answer.
    /// </summary>
    private static async Task<string> AccountToReadAsync(
        ModeOptions options, HealthService.HealthServiceClient health, TextWriter log, CancellationToken ct)
    {
        var accountId = options.AccountId
            ?? (await health.ListHealthScoresAsync(new ListHealthScoresRequest { PageSize = 1 }, cancellationToken: ct))
                .Scores.FirstOrDefault()?.AccountId
            ?? throw new InvalidOperationException(
                "The database has no stored health score: run the recompute first (recompute mode, or " +
                "RecomputeHealthScores).");
        var check = await health.GetHealthScoreAsync(
            new GetHealthScoreRequest { AccountId = accountId }, cancellationToken: ct);
        log.WriteLine(
            $"GetHealthScore({accountId}) answers {check.CalculateSize():N0} bytes (score {check.Score.Score:N1}, " +
            $"{check.Score.Components.Count} components).");
        return accountId;
    }
}
