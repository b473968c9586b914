using System.Diagnostics;
using System.Globalization;
using CustomerHealth.V1;
using Date = Google.Type.Date;
using Money = Google.Type.Money;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 21: a CRM sync of accounts, contracts and renewal outcomes into a fresh database, over gRPC with
/// authentication on as shipped. The baseline is the unary path in the same run (UpsertAccount, UpsertContract,
/// RecordRenewalOutcome, <see cref="CrmOptions.Concurrency"/> calls in flight); then the batch RPCs, one batch in
/// flight at a time, of the rest of the portfolio; then the same batches sent again (all unchanged). Every result is
/// checked.
/// </summary>
internal static class CrmBenchmark
{
    public const double GoalRecordsPerSecond = 10_000;

    public static async Task<int> RunAsync(string[] args, TextWriter log, CancellationToken ct)
    {
        CrmOptions options;
        try
        {
            options = CrmOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"{ex.Message}\n\n{CrmOptions.Usage}");
            return 2;
        }
        var postgres = PostgreSqlBenchmarkDatabase.AdminConnectionString();
        var failed = false;
        if (options.Provider is ProviderChoice.All or ProviderChoice.Sqlite)
        {
            // The service's own SQLite setting (WAL, synchronous=FULL): as shipped.
            await using var sqlite = new SqliteBenchmarkDatabase("FULL");
            failed |= !await RunOnAsync(sqlite, options, log, ct);
        }
        if (options.Provider is ProviderChoice.All or ProviderChoice.PostgreSql)
        {
            if (postgres is null) log.WriteLine("PostgreSQL skipped: no admin connection string in the environment.");
            else
            {
                await using var database = await PostgreSqlBenchmarkDatabase.CreateAsync(postgres, ct);
                failed |= !await RunOnAsync(database, options, log, ct);
            }
        }
        return failed ? 1 : 0;
    }

    private static async Task<bool> RunOnAsync(
        BenchmarkDatabase database, CrmOptions options, TextWriter log, CancellationToken ct)
    {
        await using var server = await InProcessServer.StartAsync(database.ServerSettings, ct);
        var client = new AccountService.AccountServiceClient(server.Channel);
        var portfolio = CrmPortfolio.Generate(options.Accounts, options.ContractsPerAccount, options.Seed);
        var unary = portfolio.Take(options.UnaryAccounts).ToList();
        var bulk = portfolio.Skip(options.UnaryAccounts).ToList();
        log.WriteLine($"{database.Name}: {await database.DescribeAsync(ct)}; load {Machine.LoadAverage()}");

        var unaryCpu = Cpu();
        var unaryTime = await UnaryAsync(client, unary, options.Concurrency, ct);
        unaryCpu = Cpu() - unaryCpu;
        var unaryRecords = unary.Sum(a => a.Records);
        var phases = new List<(string Name, int Records, TimeSpan Time, double MaxBatchMs, TimeSpan Cpu)>();
        var wrong = 0;
        foreach (var resend in new[] { false, true })
        {
            var label = resend ? " (sent again)" : "";
            foreach (var (name, batches) in CrmPortfolio.Batches(bulk, options.BatchSize))
            {
                var cpu = Cpu();
                var (time, records, maxMs, bad) = await SendAsync(client, batches, resend, ct);
                phases.Add((name + label, records, time, maxMs, Cpu() - cpu));
                wrong += bad;
            }
        }

        var c = CultureInfo.InvariantCulture;
        var first = phases.Take(3).ToList();
        var bulkRate = first.Sum(p => p.Records) / first.Sum(p => p.Time.TotalSeconds);
        var unaryRate = unaryRecords / unaryTime.TotalSeconds;
        log.WriteLine();
        log.WriteLine(string.Create(c,
            $"| {database.Name} | records | s | records/s | slowest batch, ms | CPU s | records per CPU s |"));
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        log.WriteLine(string.Create(c,
            $"| unary baseline ({unary.Count:N0} accounts, {options.Concurrency} in flight) | {unaryRecords:N0} | "
            + $"{unaryTime.TotalSeconds:N1} | {unaryRate:N0} | | {unaryCpu.TotalSeconds:N1} | "
            + $"{unaryRecords / unaryCpu.TotalSeconds:N0} |"));
        foreach (var p in phases)
        {
            log.WriteLine(string.Create(c,
                $"| {p.Name} | {p.Records:N0} | {p.Time.TotalSeconds:N1} | {p.Records / p.Time.TotalSeconds:N0} | "
                + $"{p.MaxBatchMs:N0} | {p.Cpu.TotalSeconds:N1} | {p.Records / p.Cpu.TotalSeconds:N0} |"));
        }
        log.WriteLine(string.Create(c,
            $"| all three batch RPCs, first send | {first.Sum(p => p.Records):N0} | "
            + $"{first.Sum(p => p.Time.TotalSeconds):N1} | {bulkRate:N0} | | {first.Sum(p => p.Cpu.TotalSeconds):N1} | "
            + $"{first.Sum(p => p.Records) / first.Sum(p => p.Cpu.TotalSeconds):N0} |"));
        log.WriteLine();
        var verdict = bulkRate >= GoalRecordsPerSecond && wrong == 0 ? "met" : "NOT met";
        log.WriteLine(string.Create(c,
            $"  [{verdict}] {database.Name}: batch writes at {bulkRate:N0} records/s (goal {GoalRecordsPerSecond:N0}; "
            + $"{bulkRate / unaryRate:N0} x the unary path); "
            + $"{wrong} unexpected results; load {Machine.LoadAverage()}"));
        log.WriteLine();
        return wrong == 0;
    }

    /// <summary>The CPU time of this process so far: the server and its clients (the database's own, on
    /// PostgreSQL, is not in it).</summary>
    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static async Task<TimeSpan> UnaryAsync(
        AccountService.AccountServiceClient client, IReadOnlyList<CrmAccount> accounts, int concurrency,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct };
        await Parallel.ForEachAsync(accounts, parallel, async (a, token) =>
        {
            await client.UpsertAccountAsync(a.Account, cancellationToken: token);
            foreach (var contract in a.Contracts) await client.UpsertContractAsync(contract, cancellationToken: token);
            foreach (var outcome in a.Outcomes)
                await client.RecordRenewalOutcomeAsync(outcome, cancellationToken: token);
        });
        return clock.Elapsed;
    }

    /// <summary>Sends the batches one after the other; returns the time, the items, the slowest call and how many
    /// results were not the expected created (first send) or unchanged (sent again).</summary>
    private static async Task<(TimeSpan Time, int Records, double MaxMs, int Wrong)> SendAsync(
        AccountService.AccountServiceClient client, IReadOnlyList<BatchCall> batches, bool resend, CancellationToken ct)
    {
        var (records, wrong, maxMs) = (0, 0, 0.0);
        var clock = Stopwatch.StartNew();
        foreach (var send in batches)
        {
            ct.ThrowIfCancellationRequested();
            var started = clock.Elapsed;
            var results = await send(client);
            maxMs = Math.Max(maxMs, (clock.Elapsed - started).TotalMilliseconds);
            records += results.Count;
            var expected = resend ? BatchWriteOutcome.Unchanged : BatchWriteOutcome.Created;
            wrong += results.Count(r => r.Outcome != expected);
        }
        return (clock.Elapsed, records, maxMs, wrong);
    }
}

/// <summary>One batch call: sends its items, returns their results.</summary>
internal delegate Task<IReadOnlyList<BatchWriteResult>> BatchCall(AccountService.AccountServiceClient client);

/// <summary>One account of the synthetic CRM portfolio, as requests.</summary>
internal sealed record CrmAccount(
    UpsertAccountRequest Account, IReadOnlyList<UpsertContractRequest> Contracts,
    IReadOnlyList<RecordRenewalOutcomeRequest> Outcomes)
{
    public int Records => 1 + Contracts.Count + Outcomes.Count;
}

/// <summary>A seeded portfolio: each account with consecutive yearly contracts, the last one running today, and an
/// outcome (renewed, at a new ARR) for every earlier one.</summary>
internal static class CrmPortfolio
{
    public static IReadOnlyList<CrmAccount> Generate(int accounts, int contractsPerAccount, int seed)
    {
        var random = new Random(seed);
        var segments = new[] { "SMB", "Mid-market", "Enterprise" };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return Enumerable.Range(0, accounts).Select(i =>
        {
            var id = $"crm-{i:D7}";
            var account = new UpsertAccountRequest
            {
                Account = new Account
                {
                    AccountId = id, DisplayName = $"Customer {i}", Segment = segments[i % 3],
                    Owner = $"csm{i % 40}@example.com",
                },
            };
            var firstStart = today.AddDays(-random.Next(1, 360)).AddYears(1 - contractsPerAccount);
            var arr = random.Next(2_000, 250_000);
            var contracts = new List<UpsertContractRequest>();
            var outcomes = new List<RecordRenewalOutcomeRequest>();
            for (var k = 0; k < contractsPerAccount; k++)
            {
                var start = firstStart.AddYears(k);
                var contractId = $"{id}-c{k}";
                contracts.Add(new UpsertContractRequest
                {
                    Contract = new Contract
                    {
                        ContractId = contractId, AccountId = id, Arr = new Money { CurrencyCode = "USD", Units = arr },
                        Seats = 5 + arr / 2000,
                        StartDate = Day(start), EndDate = Day(start.AddYears(1)),
                    },
                });
                if (k == contractsPerAccount - 1) break;
                arr = Math.Max(1_000, arr + random.Next(-arr / 5, arr / 4));
                outcomes.Add(new RecordRenewalOutcomeRequest
                {
                    ContractId = contractId, Kind = RenewalOutcomeKind.Renewed,
                    NewArr = new Money { CurrencyCode = "USD", Units = arr },
                    RenewalContractId = $"{id}-c{k + 1}",
                });
            }
            return new CrmAccount(account, contracts, outcomes);
        }).ToList();
    }

    /// <summary>The three phases of a sync (accounts, then contracts, then outcomes), each as calls of at most
    /// <paramref name="size"/> items.</summary>
    public static IEnumerable<(string Name, IReadOnlyList<BatchCall> Batches)> Batches(
        IReadOnlyList<CrmAccount> accounts, int size)
    {
        yield return ("BatchUpsertAccounts", [.. accounts.Select(a => a.Account).Chunk(size).Select(chunk =>
            (BatchCall)(async c => (await c.BatchUpsertAccountsAsync(new() { Requests = { chunk } })).Results))]);
        yield return ("BatchUpsertContracts", [.. accounts.SelectMany(a => a.Contracts).Chunk(size).Select(chunk =>
            (BatchCall)(async c => (await c.BatchUpsertContractsAsync(new() { Requests = { chunk } })).Results))]);
        yield return ("BatchRecordRenewalOutcomes", [.. accounts.SelectMany(a => a.Outcomes).Chunk(size).Select(chunk =>
            (BatchCall)(async c =>
                (await c.BatchRecordRenewalOutcomesAsync(new() { Requests = { chunk } })).Results))]);
    }

    private static Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}

/// <summary>Options of the <c>crm</c> mode.</summary>
internal sealed record CrmOptions
{
    public ProviderChoice Provider { get; init; } = ProviderChoice.All;
    public int Accounts { get; init; } = 21_000;
    public int ContractsPerAccount { get; init; } = 4;
    public int UnaryAccounts { get; init; } = 1_000;
    public int Concurrency { get; init; } = 8;
    public int BatchSize { get; init; } = 1_000;
    public int Seed { get; init; } = 21;

    public const string Usage = """
        crm: issue 21, a CRM sync (accounts, contracts, renewal outcomes) into a fresh database over gRPC,
        authenticated:

          dotnet run -c Release --project tests/CustomerHealth.Benchmarks -- crm [options]

            --provider sqlite|postgresql|all  (all: SQLite, plus PostgreSQL when CUSTOMERHEALTH_BENCH_POSTGRES or
                                              CUSTOMERHEALTH_TEST_POSTGRES holds an admin connection string)
            --accounts N              accounts in all (21,000); each with --contracts N yearly contracts (4) and an
                                      outcome for every contract but the last
            --unary N                 the first N accounts go through the unary calls: the baseline (1,000)
            --concurrency N           unary calls in flight (8)
            --batch-size N            items per batch call, 1 to 1,000 (1,000)
            --seed N                  (21)
        """;

    public static CrmOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CrmOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count) throw new ArgumentException($"option '{name}' needs a value");
            var value = args[++i];
            options = name switch
            {
                "--provider" => options with
                {
                    Provider = value switch
                    {
                        "sqlite" => ProviderChoice.Sqlite,
                        "postgresql" => ProviderChoice.PostgreSql,
                        "all" => ProviderChoice.All,
                        _ => throw new ArgumentException(
                            $"--provider must be sqlite, postgresql or all (got '{value}')"),
                    },
                },
                "--accounts" => options with { Accounts = Count(name, value, 1, 10_000_000) },
                "--contracts" => options with { ContractsPerAccount = Count(name, value, 1, 50) },
                "--unary" => options with { UnaryAccounts = Count(name, value, 0, 1_000_000) },
                "--concurrency" => options with { Concurrency = Count(name, value, 1, 256) },
                "--batch-size" => options with { BatchSize = Count(name, value, 1, 1000) },
                "--seed" => options with { Seed = Count(name, value, 0, int.MaxValue) },
                _ => throw new ArgumentException($"unknown option '{name}' for crm"),
            };
        }
        if (options.UnaryAccounts >= options.Accounts) throw new ArgumentException("--unary must be below --accounts");
        return options;
    }

    private static int Count(string name, string value, int min, int max) =>
        int.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min:N0} to {max:N0} (got '{value}')");
}
