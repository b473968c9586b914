using System.Globalization;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Options of the modes that measure an existing portfolio (<c>recompute</c>, <c>reads</c>, <c>metrics</c>,
/// <c>quality</c>), as opposed to the ingestion benchmark (no mode), which makes its own databases.
/// </summary>
internal sealed record ModeOptions
{
    public required string Mode { get; init; }
    public ExistingDatabase? Database { get; init; }
    public int BatchSize { get; init; } = 500;
    public bool ReadAgain { get; init; }
    public int Repetitions { get; init; } = 5;
    public string? AccountId { get; init; }
    public int Connections { get; init; } = 4;
    public int Streams { get; init; } = 25;
    public int WarmUpSeconds { get; init; } = 3;
    public int DurationSeconds { get; init; } = 15;
    public string? Truth { get; init; }
    public int LeadDays { get; init; } = 90;
    public bool Recompute { get; init; }
    public bool Propose { get; init; }
    public DateOnly? RenewalStart { get; init; }
    public DateOnly? AsOf { get; init; }
    public bool Smoke { get; init; }

    /// <summary>random-reads: only the diagnosis of a cache hit's pipeline (<see cref="PipelineProfile"/>).</summary>
    public bool Pipeline { get; init; }
    public int InFlight { get; init; } = 64;
    public int BatchInFlight { get; init; } = 8;
    public int PageSize { get; init; } = 100;
    public int Rounds { get; init; } = 3;

    /// <summary>random-reads: the read cache's time to live in milliseconds (null: the service's default).</summary>
    public int? ReadCacheTtlMs { get; init; }

    /// <summary>random-reads: the service under test keeps every answer ready (<c>Health:ReadModel</c>, ADR 0072).
    /// </summary>
    public bool ReadModel { get; init; }

    public static readonly string[] Modes = ["recompute", "reads", "random-reads", "metrics", "quality"];

    public const string Usage = """
        Modes on an existing portfolio (made by the lab's `generate --write direct`; run `migrate` first on PostgreSQL):

          dotnet run -c Release --project tests/CustomerHealth.Benchmarks -- MODE (--postgres CONNECTION | --sqlite FILE) [options]

          recompute   issue 6 (a): reading every account's signals, then RecomputeHealthScores for today over gRPC; wall time,
                      CPU and peak working set of each
                        --batch-size N   accounts per batch, 1 to 2000 (default 500, the service's Health:BatchSize)
                        --read-again     read the signals once more after the recompute (the cache's share)
          reads       issue 6 (b): h2load against HealthService/GetHealthScore and against a bare gRPC server answering an
                      empty message, same options, same run; grpc-status counted on the server
                        --account ID     the account read (default: the first by id)
                        -c N, -m N       h2load connections (default 4) and streams per connection (default 25); one thread
                        --warm-up N, -D N  h2load warm-up and measured seconds (default 3 and 15)
          random-reads  issue 24: GetHealthScore of a uniformly random account (the service as shipped, and a second
                      instance with the hot read off), BatchGetHealthScores of 100 random accounts and ListHealthScores
                      pages, against a bare gRPC server, by the same in-process client in the same run; exit code 1
                      below the 30 % floor or on any failed call; after the rounds, the bare server and the random
                      GetHealthScore at half its saturated rate from an open loop (its p99 judged against 10 ms)
                        --rounds N       rounds, each measuring every run once (default 3); judged on the medians
                        --in-flight N    GetHealthScore calls in flight (default 64)
                        --batch-in-flight N  BatchGet and List calls in flight (default 8)
                        --page-size N    ListHealthScores page size (default 100)
                        --read-cache-ttl MS  the read cache's time to live (default the service's, 1000; 0: off)
                        --read-model     the service keeps every answer ready (Health:ReadModel); the cold load's
                                         time and the memory it took are printed first
                        --warm-up N, -D N  warm-up and measured seconds per run (default 3 and 15)
                        --pipeline       instead: where a read-cache hit's time goes (variants of the server with one
                                         piece of the pipeline off or on, and each piece timed on its own)
                        --smoke          correctness only: a temporary 20-account SQLite portfolio, one round of 1 + 1 s,
                                         nothing judged (no --sqlite or --postgres)
          metrics     issue 8: MetricsService/GetPortfolioMetrics (this month to date, all accounts) over gRPC, repeated
                        --repetitions N  measured calls after one warm-up call (default 5); the median is reported
                        --as-of YYYY-MM-DD  the as-of day (the period's end_date; default today): a past day reads snapshots
          quality     issue 6: the stored scores against the ground truth: Spearman rank correlation with the latent health
                      (accounts.csv, mean of the last 30 days), then BacktestHealthScores
                        --truth FOLDER   the ground truth written by generate (required)
                        --lead-days N    the backtest's lead (default 90)
                        --renewal-start YYYY-MM-DD  only renewals ending from this day (the backtest's renewal_start_date):
                                         leave out those whose lead day is before the generated activity window
                        --recompute      run RecomputeHealthScores for today first (a fresh load has no stored scores)
                        --propose        then ProposeScorecard at the same lead: holdout AUC of the current and the
                                         fitted scorecard on a time split, and the fitted components
        """ + "\n" + ExistingDatabase.OptionsUsage;

    public static bool IsMode(IReadOnlyList<string> args) => args.Count > 0 && Modes.Contains(args[0]);

    public static ModeOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ModeOptions { Mode = args[0] };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--read-again") { options = options with { ReadAgain = true }; continue; }
            if (name == "--recompute") { options = options with { Recompute = true }; continue; }
            if (name == "--propose") { options = options with { Propose = true }; continue; }
            if (name == "--pipeline") { options = options with { Pipeline = true }; continue; }
            if (name == "--read-model") { options = options with { ReadModel = true }; continue; }
            if (name == "--smoke")
            {
                options = options with { Smoke = true, Rounds = 1, WarmUpSeconds = 1, DurationSeconds = 1 };
                continue;
            }
            if (i + 1 >= args.Count) throw new ArgumentException($"option '{name}' needs a value");
            var value = args[++i];
            if (ExistingDatabase.TryRead(
                name, value) is { } database) { options = options with { Database = database }; continue; }
            options = name switch
            {
                "--batch-size" => options with { BatchSize = Count(name, value, 1, 2000) },
                "--repetitions" => options with { Repetitions = Count(name, value, 1, 1000) },
                "--account" => options with { AccountId = value },
                "-c" => options with { Connections = Count(name, value, 1, 1000) },
                "-m" => options with { Streams = Count(name, value, 1, 1000) },
                "--warm-up" => options with { WarmUpSeconds = Count(name, value, 0, 600) },
                "-D" => options with { DurationSeconds = Count(name, value, 1, 3600) },
                "--truth" => options with { Truth = value },
                "--lead-days" => options with { LeadDays = Count(name, value, 1, 730) },
                "--renewal-start" => options with { RenewalStart = Day(name, value) },
                "--as-of" => options with { AsOf = Day(name, value) },
                "--rounds" => options with { Rounds = Count(name, value, 1, 99) },
                "--in-flight" => options with { InFlight = Count(name, value, 1, 1000) },
                "--batch-in-flight" => options with { BatchInFlight = Count(name, value, 1, 1000) },
                "--page-size" => options with { PageSize = Count(name, value, 1, 1000) },
                "--read-cache-ttl" => options with { ReadCacheTtlMs = Count(name, value, 0, 600_000) },
                _ => throw new ArgumentException($"unknown option '{name}' for {options.Mode}"),
            };
        }
        if (options.Smoke && (options.Mode != "random-reads" || options.Database is not null))
            throw new ArgumentException("--smoke is an option of random-reads, without --sqlite or --postgres");
        if (options.Database is null && !options.Smoke)
            throw new ArgumentException($"{options.Mode} needs --postgres CONNECTION or --sqlite FILE");
        if (options.Mode == "quality" && options.Truth is null) throw new ArgumentException(
            "quality needs --truth FOLDER");
        return options;
    }

    private static DateOnly Day(string name, string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new ArgumentException($"{name} must be a day YYYY-MM-DD (got '{value}')");

    private static int Count(string name, string value, int min, int max) =>
        int.TryParse(
            value.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min:N0} to {max:N0} (got '{value}')");
}
