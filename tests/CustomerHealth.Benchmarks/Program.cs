using CustomerHealth.Benchmarks;

// Without a mode: usage-event ingestion throughput through EngagementService.StreamEvents, against the fastest plain
// insert on the same database (by its median over the rounds). Exit code: 0 when every event went in and every engine
// met its floor (BenchmarkReport; --smoke judges no floor), 1 when any batch failed or an engine was below its floor,
// 2 for bad options or a missing database. With a mode (recompute, reads, metrics, quality): measurements of an
// existing synthetic portfolio, see ModeOptions.
if (BenchmarkOptions.IsHelp(args))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    Console.WriteLine();
    Console.WriteLine(ModeOptions.Usage);
    Console.WriteLine();
    Console.WriteLine(CrmOptions.Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "crm")
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return await CrmBenchmark.RunAsync(args[1..], Console.Out, stop.Token);
}
if (ModeOptions.IsMode(args))
{
    ModeOptions mode;
    try
    {
        mode = ModeOptions.Parse(args);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine($"{ex.Message}\n\n{ModeOptions.Usage}");
        return 2;
    }
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return mode.Mode switch
    {
        "recompute" =>
            await RecomputeBenchmark.RunAsync(mode.Database!, mode.BatchSize, mode.ReadAgain, Console.Out, stop.Token),
        "reads" => await ReadBenchmark.RunAsync(mode, Console.Out, stop.Token),
        "random-reads" => await RandomReadBenchmark.RunAsync(mode, Console.Out, stop.Token),
        "metrics" => await MetricsBenchmark.RunAsync(mode, Console.Out, stop.Token),
        _ => await ScoreQualityReport.RunAsync(mode, Console.Out, stop.Token),
    };
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"{ex.Message}\n\n{BenchmarkOptions.Usage}");
    return 2;
}

var postgres = PostgreSqlBenchmarkDatabase.AdminConnectionString();
if (options.Provider == ProviderChoice.PostgreSql && postgres is null)
{
    Console.Error.WriteLine(
        $"--provider postgresql needs {string.Join(" or ", PostgreSqlBenchmarkDatabase.EnvironmentVariables)} to " +
        $"hold an admin connection string.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

Console.WriteLine($"Generating {options.Events:N0} events (seed {options.Seed})…");
var workload = Workload.Generate(options, DateTime.UtcNow);
var runner = new BenchmarkRunner(options, workload, Console.Out);
var results = new List<ProviderResult>();

if (options.Provider is ProviderChoice.All or ProviderChoice.Sqlite)
{
    await using (var scratch = new SqliteBenchmarkDatabase(options.SqliteSynchronous)) await runner.WarmUpAsync(
        scratch, cancel.Token);
    for (var round = 1; round <= options.Rounds; round++)
    {
        await using var sqlite = new SqliteBenchmarkDatabase(options.SqliteSynchronous);
        results.Add(await runner.RunAsync(sqlite, cancel.Token) with { Round = round });
    }
}
if (options.Provider is ProviderChoice.All or ProviderChoice.PostgreSql)
{
    if (postgres is null)
    {
        Console.WriteLine(
            $"PostgreSQL skipped: {string.Join(" and ", PostgreSqlBenchmarkDatabase.EnvironmentVariables)} are not " +
            $"set.");
    }
    else
    {
        if (options.WarmupEvents > 0)
        {
            await using var scratch = await PostgreSqlBenchmarkDatabase.CreateAsync(postgres, cancel.Token);
            await runner.WarmUpAsync(scratch, cancel.Token);
        }
        for (var round = 1; round <= options.Rounds; round++)
        {
            await using var database = await PostgreSqlBenchmarkDatabase.CreateAsync(postgres, cancel.Token);
            results.Add(await runner.RunAsync(database, cancel.Token) with { Round = round });
        }
    }
}

var floorsMet = BenchmarkReport.Write(Console.Out, options, results, judge: !options.Smoke);
return results.Any(r => r.Failures.Count > 0) || !floorsMet ? 1 : 0;
