using CustomerHealth.V1;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// The figures of one database engine: the service through the stream, the baseline, and whether the run was clean.
/// </summary>
internal sealed record ProviderResult(
    string Provider, string Engine, IngestionResult Service, BaselineResult Baseline, StoredCounts Stored,
    IReadOnlyList<string> Failures)
{
    /// <summary>Which measured round this is (1-based; see <c>--rounds</c>).</summary>
    public int Round { get; init; } = 1;

    /// <summary>
    /// The database server's CPU in the service run, where it can be read (see <see cref="DatabaseCpu"/>).
    /// </summary>
    public TimeSpan? ServiceDatabaseCpu { get; init; }

    /// <summary>The database server's CPU over all the baseline's methods of this round.</summary>
    public TimeSpan? BaselineDatabaseCpu { get; init; }
}

/// <summary>
/// Runs the benchmark on one fresh database: start the server, prepare accounts and catalogue, stream the workload
/// (measured), stop the server, check what was stored, then insert the same rows by the plain method (measured).
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkOptions options, Workload workload, TextWriter log)
{
    /// <summary>
    /// Runs the whole service path (server start, accounts, catalogue, <see cref="BenchmarkOptions.WarmupEvents"/>
    /// events through the streams, then <see cref="WarmupCommits"/> small batches one call at a time, so that the code
    /// run once per commit is hot too) on a scratch database, unmeasured, so that the measured run finds the code
    /// already compiled by the JIT, as in a service that has been up for a while. The scratch database is a different
    /// one: the measured database starts empty either way.
    /// </summary>
    public async Task WarmUpAsync(BenchmarkDatabase scratch, CancellationToken ct)
    {
        if (options.WarmupEvents == 0) return;
        var warmup = Workload.Generate(
            options with { Events = options.WarmupEvents, Seed = options.Seed + 1 }, DateTime.UtcNow);
        log.WriteLine(
            $"[{scratch.Name}] warm-up: {warmup.EventCount:N0} events into a scratch database (not measured)…");
        await using var server = await InProcessServer.StartAsync(scratch.ServerSettings, ct);
        await StreamIngestion.PrepareAsync(server.Channel, warmup, ct);
        var result = await StreamIngestion.RunAsync(server.Channel, warmup, ct);
        log.WriteLine($"[{scratch.Name}] warm-up: {result.EventsPerSecond:N0} events/s");
        if (result.Failures.Count > 0) throw new InvalidOperationException($"The warm-up failed: {result.Failures[0]}");
        var small = Workload.Generate(
            options with { Events = WarmupCommits * 10, BatchSize = 10, Streams = 1, Seed = options.Seed + 2 },
            DateTime.UtcNow);
        var client = new EngagementService.EngagementServiceClient(server.Channel);
        foreach (var batch in small.Streams[0])
            await client.IngestEventsAsync(
                new IngestEventsRequest { Source = batch.Source, Events = { batch.Events } }, cancellationToken: ct);
    }

    /// <summary>
    /// Separate commits in the warm-up: well past the JIT's threshold for recompiling a method with full optimization.
    /// </summary>
    private const int WarmupCommits = 300;

    public async Task<ProviderResult> RunAsync(BenchmarkDatabase database, CancellationToken ct)
    {
        log.WriteLine($"[{database.Name}] starting the server and creating {workload.Accounts.Count:N0} accounts…");
        IngestionResult service;
        var databaseCpu = await database.ServerCpuAsync(ct);
        TimeSpan? serviceDatabaseCpu;
        await using (var server = await InProcessServer.StartAsync(database.ServerSettings, ct))
        {
            await StreamIngestion.PrepareAsync(server.Channel, workload, ct);
            await WaitUntilIdleAsync(ct);
            log.WriteLine(
                $"[{database.Name}] streaming {workload.EventCount:N0} events in {workload.BatchCount:N0} batches " +
                $"over {options.Streams} stream(s) to {server.Address}…");
            var before = databaseCpu?.Now();
            service = await StreamIngestion.RunAsync(server.Channel, workload, ct);
            serviceDatabaseCpu = databaseCpu?.Now() - before;
            log.WriteLine(
                $"[{database.Name}] service: {service.EventsPerSecond:N0} events/s ({service.Wall.TotalSeconds:N2} " +
                $"s; {service.Totals}); {service.Usage.Describe(service.Events)}");
        }

        var stored = await database.CountStoredAsync(ct);
        var failures = service.Failures.ToList();
        if (stored.RawEvents != workload.EventCount) failures.Add(
            $"usage_events holds {stored.RawEvents:N0} rows, {workload.EventCount:N0} were sent");
        if (stored.RolledUpEvents != workload.EventCount) failures.Add(
            $"account_daily_usage counts {stored.RolledUpEvents:N0} events, {workload.EventCount:N0} were sent");

        log.WriteLine($"[{database.Name}] baseline: inserting the same {workload.EventCount:N0} rows…");
        var rows = EventRow.From(workload, DateTime.UtcNow);
        var baselineStart = databaseCpu?.Now();
        var baseline = await database.InsertBaselineAsync(rows, options.BatchSize, ct);
        var baselineDatabaseCpu = databaseCpu?.Now() - baselineStart;
        foreach (var method in baseline.Methods)
            log.WriteLine($"[{database.Name}] baseline: {baseline.RowsPerSecond(method):N0} rows/s ({method.Name})");

        return new ProviderResult(database.Name, await database.DescribeAsync(ct), service, baseline, stored, failures)
        {
            ServiceDatabaseCpu = serviceDatabaseCpu,
            BaselineDatabaseCpu = baselineDatabaseCpu,
        };
    }

    /// <summary>
    /// Waits (at most 15 s) until this process is nearly idle, so that the work left over from the preparation (the JIT
    /// recompiling what creating the accounts made hot, the collector) is not counted in the measured run.
    /// </summary>
    private static async Task WaitUntilIdleAsync(CancellationToken ct)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var interval = TimeSpan.FromMilliseconds(500);
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(15); waited += interval)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            await Task.Delay(interval, ct);
            process.Refresh();
            if (process.TotalProcessorTime - before < interval * 0.05) return;
        }
    }
}
