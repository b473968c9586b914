using System.Globalization;

namespace CustomerHealth.Benchmarks;

/// <summary>Which databases a run covers.</summary>
public enum ProviderChoice
{
    /// <summary>SQLite, plus PostgreSQL when a server is configured.</summary>
    All,
    Sqlite,
    PostgreSql,
}

/// <summary>The command-line options of a benchmark run, with their defaults.</summary>
public sealed record BenchmarkOptions
{
    public ProviderChoice Provider { get; init; } = ProviderChoice.All;
    public int Accounts { get; init; } = 1_000;
    public int UsersPerAccount { get; init; } = 20;
    public int Events { get; init; } = 500_000;
    public int BatchSize { get; init; } = 1_000;
    public int Streams { get; init; } = 2;
    public int Days { get; init; } = 30;
    public int Seed { get; init; } = 42;
    public string SqliteSynchronous { get; init; } = "FULL";
    public int WarmupEvents { get; init; } = 200_000;
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// A correctness-only run for CI (<c>--smoke</c>): tiny sizes, the figures printed but no floor judged.
    /// </summary>
    public bool Smoke { get; init; }

    /// <summary>What <c>--smoke</c> sets (later options may still change a size).</summary>
    private BenchmarkOptions AsSmoke() => this with
    {
        Smoke = true,
        Accounts = 20,
        UsersPerAccount = 5,
        Events = 4_000,
        BatchSize = 200,
        WarmupEvents = 1_000,
        Rounds = 2,
    };

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/CustomerHealth.Benchmarks -- [options]

          --provider sqlite|postgresql|all  databases to measure (default all: SQLite, plus PostgreSQL when configured)
          --accounts N                      accounts created before the run (default 1000)
          --users N                         users per account (default 20)
          --events N                        events streamed in total (default 500000)
          --batch-size N                    events per StreamEvents request, 1 to 5000 (default 1000)
          --streams N                       concurrent StreamEvents calls (default 2)
          --days N                          events spread over the last N days (default 30; past the 400-day retention, events are rejected)
          --seed N                          random seed of the workload (default 42)
          --sqlite-synchronous MODE         OFF, NORMAL, FULL or EXTRA, for the service and the baseline (default FULL)
          --warmup N                        events streamed into a scratch database first, unmeasured, so the JIT has compiled
                                            the service path (default 200000; 0 measures a cold process)
          --rounds N                        measured rounds per database, each on a fresh database: the service, then the
                                            baseline (default 1); the goals are judged on the service's median
                                            rate against the baseline method with the highest median rate
          --smoke                           correctness only (CI): 20 accounts, 4000 events in batches of 200,
                                            2 rounds; no floor judged (exit 1 only when events went missing)

        PostgreSQL runs when CUSTOMERHEALTH_BENCH_POSTGRES (or else CUSTOMERHEALTH_TEST_POSTGRES) holds a connection string
        of a user who may create databases; the run creates customerhealth_bench_<guid> and drops it afterwards.
        """;

    /// <summary>
    /// Reads <c>--name value</c> or <c>--name=value</c> pairs; throws <see cref="ArgumentException"/> with a readable
    /// message.
    /// </summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--smoke")
            {
                options = options.AsSmoke();
                continue;
            }
            var (name, value) = SplitOption(args, ref i);
            options = name switch
            {
                "--provider" => options with { Provider = ParseProvider(value) },
                "--accounts" => options with { Accounts = ParseCount(name, value, 1, 1_000_000) },
                "--users" => options with { UsersPerAccount = ParseCount(name, value, 1, 100_000) },
                "--events" => options with { Events = ParseCount(name, value, 1, 100_000_000) },
                "--batch-size" => options with { BatchSize = ParseCount(name, value, 1, 5_000) },
                "--streams" => options with { Streams = ParseCount(name, value, 1, 64) },
                "--days" => options with { Days = ParseCount(name, value, 1, 1_000) },
                "--seed" => options with { Seed = ParseCount(name, value, 0, int.MaxValue) },
                "--sqlite-synchronous" => options with { SqliteSynchronous = ParseSynchronous(value) },
                "--warmup" => options with { WarmupEvents = ParseCount(name, value, 0, 10_000_000) },
                "--rounds" => options with { Rounds = ParseCount(name, value, 1, 20) },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }
        return options;
    }

    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help" or "-?");

    private static (string Name, string Value) SplitOption(IReadOnlyList<string> args, ref int i)
    {
        var arg = args[i];
        if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException(
            $"expected an option, got '{arg}'");
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0) return (arg[..equals], arg[(equals + 1)..]);
        if (i + 1 >= args.Count) throw new ArgumentException($"option '{arg}' needs a value");
        return (arg, args[++i]);
    }

    private static ProviderChoice ParseProvider(string value) => value.ToLowerInvariant() switch
    {
        "all" => ProviderChoice.All,
        "sqlite" => ProviderChoice.Sqlite,
        "postgresql" or "postgres" => ProviderChoice.PostgreSql,
        _ => throw new ArgumentException($"--provider must be sqlite, postgresql or all (got '{value}')"),
    };

    private static int ParseCount(string name, string value, int min, int max)
    {
        if (!int.TryParse(
            value.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ArgumentException($"{name} must be a whole number from {min:N0} to {max:N0} (got '{value}')");
        return n;
    }

    private static string ParseSynchronous(string value) =>
        value.ToUpperInvariant() is var mode and ("OFF" or "NORMAL" or "FULL" or "EXTRA")
            ? mode
            : throw new ArgumentException($"--sqlite-synchronous must be OFF, NORMAL, FULL or EXTRA (got '{value}')");
}
