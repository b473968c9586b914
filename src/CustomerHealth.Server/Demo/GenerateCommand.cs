using System.Globalization;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Synthetic;
using Grpc.Net.Client;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// <c>generate</c>: writes a synthetic portfolio through the gRPC API, to the service at <c>--target</c> or, without it, to
/// this server started in-process on its configured database and address; and its ground truth to <c>--truth</c>.
/// </summary>
public static class GenerateCommand
{
    public const string Usage = """
        usage: dotnet run --project src/CustomerHealth.Server -c Release -- generate [options]
          --accounts N        accounts to make (default 1000)
          --seed N            random seed (default 1); the same seed on the same day gives the same portfolio
          --history-days N    first contracts start up to N days ago (default 730)
          --activity-days N   days of usage, NPS, tickets and touchpoints before today (default 90, at most 400)
          --prefix TEXT       account id prefix (default acct-)
          --truth FOLDER      where to write the ground truth CSV files (default data/truth)
          --target URL        a running service (for example http://127.0.0.1:5080); default: start this server in-process
          --streams N         event streams at once (default 2)
          --concurrency N     api: accounts written at once with unary calls (default 8); direct: chunks of 250 accounts
                              written at once (default 1 on SQLite, which has one writer; 2 on PostgreSQL and SQL Server)
          --write api|direct|none
                              api (default): through gRPC; direct: the bulk path into the configured database (new accounts
                              only, rollups without raw events: for benchmark sets); none: generate only, to size a set
        """;

    public static bool IsGenerateCommand(string[] args) => args.Length > 0 && args[0] == "generate";

    public static async Task<int> RunGenerateCommandAsync(this WebApplication app, string[] args)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CustomerHealth.Generate");
        var clock = app.Services.GetRequiredService<TimeProvider>();
        if (Parse(args[1..], DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) is not { } command)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var (options, truth, target, streams, concurrency, write) = command;
        var ct = app.Lifetime.ApplicationStopping;
        if (write == "none")
        {
            SizeOnly(options, truth, logger);
            return 0;
        }
        if (write == "direct") return await DirectAsync(app, options, truth, concurrency, logger, ct);
        try
        {
            GrpcChannel channel;
            if (target is null)
            {
                await app.MigrateOnStartupIfConfiguredAsync();
                app.MapCustomerHealthGrpc();
                await app.StartAsync(ct);
                channel = app.Services.GetRequiredService<LoopbackChannel>().Create();
            }
            else
            {
                channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
                {
                    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
                    ServiceConfig = Client.CustomerHealthClientExtensions.RetryingServiceConfig(),
                });
            }
            using (channel)
            {
                using var written = new GroundTruthWriter(truth, options);
                var loader = new PortfolioLoader(channel.CreateCallInvoker(), logger) { Streams = streams, AccountConcurrency = concurrency ?? 8 };
                var report = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, written, ct);
                logger.LogInformation(
                    "Generated {Accounts} accounts in {Seconds:0.0} s: {Contracts} contracts, {Outcomes} outcomes, {Events} events ({Rate:0}/s), {Nps} NPS answers, {Tickets} tickets, {Touchpoints} touchpoints, {Milestones} milestones. Ground truth: {Truth}",
                    report.Accounts, report.Elapsed.TotalSeconds, report.Contracts, report.Outcomes, report.EventsAccepted + report.EventsDuplicate, report.EventsPerSecond,
                    report.NpsResponses, report.Tickets, report.Touchpoints, report.Milestones, Path.GetFullPath(truth));
            }
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Generating the portfolio failed.");
            return 1;
        }
        finally
        {
            if (target is null) await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> DirectAsync(WebApplication app, PortfolioOptions options, string truth, int? writers, ILogger logger, CancellationToken ct)
    {
        try
        {
            await app.MigrateOnStartupIfConfiguredAsync();
            using var written = new GroundTruthWriter(truth, options);
            var writer = new DirectPortfolioWriter(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Services.GetRequiredService<Domain.Engagement.EventRules>(), app.Services.GetRequiredService<TimeProvider>(), logger)
            {
                Writers = writers ?? (app.Services.GetRequiredService<Infrastructure.Persistence.DatabaseOptions>().Provider == Infrastructure.Persistence.DatabaseProvider.Sqlite ? 1 : 2),
            };
            var report = await writer.WriteAsync(PortfolioGenerator.Generate(options), written, ct);
            logger.LogInformation(
                "Direct load of {Accounts} accounts in {Seconds:0.0} s: {Events} events summed into {Rows} rollup rows (no raw events); peak working set {PeakMiB} MiB. Ground truth: {Truth}",
                report.Accounts, report.Elapsed.TotalSeconds, report.Events, report.RollupRows, Environment.WorkingSet / (1 << 20), Path.GetFullPath(truth));
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The direct load failed.");
            return 1;
        }
    }

    /// <summary>Generates without writing, counting what a load would write: events, user-days and account-days (the rollup rows).</summary>
    private static void SizeOnly(PortfolioOptions options, string truth, ILogger logger)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long events = 0, userDays = 0, accountDays = 0, requests = 0;
        using var written = new GroundTruthWriter(truth, options);
        var users = new HashSet<(int, string)>();
        var days = new HashSet<int>();
        foreach (var account in PortfolioGenerator.Generate(options))
        {
            users.Clear();
            days.Clear();
            foreach (var e in account.Events())
            {
                var day = (int)(e.OccurTime.Seconds / 86_400);
                events++;
                if (users.Add((day, e.UserId))) userDays++;
                if (days.Add(day)) accountDays++;
            }
            requests += 1 + account.Contracts.Count + account.Outcomes.Count + account.NpsResponses.Count + account.Tickets.Count + account.Touchpoints.Count + account.MilestoneCompletions.Count;
            written.Add(account);
        }
        logger.LogInformation(
            "Generated {Accounts} accounts without writing in {Seconds:0.0} s: {Events} events, {UserDays} user-days, {AccountDays} account-days, {Requests} other requests; peak working set {PeakMiB} MiB. Ground truth: {Truth}",
            options.Accounts, clock.Elapsed.TotalSeconds, events, userDays, accountDays, requests, Environment.WorkingSet / (1 << 20), Path.GetFullPath(truth));
    }

    internal static (PortfolioOptions Options, string Truth, Uri? Target, int Streams, int? Concurrency, string Write)? Parse(string[] args, DateOnly today)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) return null;
            values[args[i][2..]] = args[i + 1];
        }
        string[] known = ["accounts", "seed", "history-days", "activity-days", "prefix", "truth", "target", "streams", "concurrency", "write"];
        if (values.Keys.Any(k => !known.Contains(k))) return null;
        int Int(string key, int fallback) => values.TryGetValue(key, out var text) ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
        try
        {
            var options = new PortfolioOptions
            {
                Today = today,
                Accounts = Int("accounts", 1000),
                Seed = Int("seed", 1),
                HistoryDays = Int("history-days", 730),
                ActivityDays = Int("activity-days", 90),
                AccountPrefix = values.GetValueOrDefault("prefix", "acct-"),
            };
            Uri? target = values.TryGetValue("target", out var url) ? new Uri(url, UriKind.Absolute) : null;
            var streams = Int("streams", 2);
            int? concurrency = values.ContainsKey("concurrency") ? Int("concurrency", 8) : null;
            var write = values.GetValueOrDefault("write", "api");
            if (options.Explain() is { } problem || streams is < 1 or > 16 || concurrency is < 1 or > 64 || write is not ("api" or "direct" or "none"))
            {
                Console.Error.WriteLine(options.Explain() ?? "streams must be 1 to 16, concurrency 1 to 64, write api, direct or none");
                return null;
            }
            return (options, values.GetValueOrDefault("truth", "data/truth"), target, streams, concurrency, write);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
