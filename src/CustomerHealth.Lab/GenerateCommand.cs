using System.CommandLine;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Lab.Client;
using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Synthetic;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Lab;

/// <summary>What <c>generate</c> was asked for; <see cref="Portfolio"/> still needs today's date.</summary>
public sealed record GenerateRequest(
    PortfolioOptions Portfolio, string Truth, Uri? Target, int Streams, int? Concurrency, string Write,
    string? TokenFile = null)
{
    /// <summary>Why this cannot be generated, or null.</summary>
    public string? Problem() =>
        Portfolio.Explain() ?? (Streams is < 1 or > 16 || Concurrency is < 1 or > 64
            ? "streams must be 1 to 16, concurrency 1 to 64" : null);
}

/// <summary>
/// <c>generate</c>: writes a synthetic portfolio through the gRPC API, to the service at <c>--target</c> or, without
/// it, to the server started in-process on its configured database and address; and its ground truth to
/// <c>--truth</c>. <c>--write direct</c> writes straight into the configured database (benchmark sets),
/// <c>--write none</c> only generates.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var accounts = Number("--accounts", 1000, "Accounts to make");
        var seed = Number("--seed", 1, "Random seed; the same seed on the same day gives the same portfolio");
        var historyDays = Number("--history-days", 730, "First contracts start up to N days ago");
        var activityDays = Number("--activity-days", 90,
            $"Days of usage, NPS, tickets and touchpoints before today (at most {PortfolioOptions.MaxActivityDays})");
        var prefix = Text("--prefix", "acct-", "Account id prefix");
        var truth = Text("--truth", "data/truth", "Where to write the ground truth CSV files");
        truth.HelpName = "FOLDER";
        var target = ServiceConnection.TargetOption(
            "A running service (for example http://127.0.0.1:5080); default: start the server in-process",
            required: false);
        var tokenFile = ServiceConnection.TokenFileOption("With --target: a file holding the bearer token to call it " +
            $"with (default: the {ServiceConnection.TokenVariable} environment variable); it needs every scope (the " +
            "load sets the event catalogue)");
        var streams = Number("--streams", 2, "Event streams at once (1 to 16)");
        var concurrency = new Option<int?>("--concurrency")
        {
            HelpName = "N",
            Description = "api: accounts written at once with unary calls (default 8); direct: chunks of 250 " +
                "accounts written at once (default 1 on SQLite, which has one writer; 2 on PostgreSQL and SQL " +
                "Server); 1 to 64",
        };
        var write = Text("--write", "api", "api: through gRPC; direct: the bulk path into the configured database " +
            "(new accounts only, rollups without raw events: for benchmark sets); none: generate only, to size a set");
        write.AcceptOnlyFromAmong("api", "direct", "none");
        var (archetype, share) = MixOptions();
        var command = new Command("generate", "Write a synthetic portfolio with known ground truth")
        {
            accounts, seed, historyDays, activityDays, prefix, truth, target, tokenFile, streams, concurrency, write,
            archetype, share,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async parse =>
        {
            var portfolio = new PortfolioOptions
            {
                Today = default, // set from the server's clock
                Accounts = parse.GetValue(accounts),
                Seed = parse.GetValue(seed),
                HistoryDays = parse.GetValue(historyDays),
                ActivityDays = parse.GetValue(activityDays),
                AccountPrefix = parse.GetValue(prefix)!,
                Mix = PortfolioOptions.MixNames[parse.GetValue(archetype)!],
                SelfServeShare = parse.GetValue(share),
            };
            var request = new GenerateRequest(portfolio, parse.GetValue(truth)!, parse.GetValue(target),
                parse.GetValue(streams), parse.GetValue(concurrency), parse.GetValue(write)!,
                    parse.GetValue(tokenFile));
            if (request.Problem() is { } problem) return await LabCommandLine.RefuseAsync(problem);
            // Disposed at the end, which flushes the console logger's queue: else, on a busy machine, the process
            // could exit before its last lines (the summary) were written.
            await using var app = Program.Compose(ServerCommandLine.Configuration(parse));
            return await RunAsync(app, request);
        });
        return command;
    }

    /// <summary>Generates and writes as asked, with the composed server (not started); exit code 0 or 1.</summary>
    public static async Task<int> RunAsync(WebApplication app, GenerateRequest request)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CustomerHealth.Generate");
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var options = request.Portfolio with { Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) };
        var ct = app.Lifetime.ApplicationStopping;
        switch (request.Write)
        {
            case "none":
                SizeOnly(options, request.Truth, logger, clock);
                return 0;
            case "direct":
                return await DirectAsync(app, options, request.Truth, request.Concurrency, logger, ct);
            default:
                return await ApiAsync(app, options, request, logger, ct);
        }
    }

    private static async Task<int> ApiAsync(
        WebApplication app, PortfolioOptions options, GenerateRequest request, ILogger logger, CancellationToken ct)
    {
        try
        {
            GrpcChannel channel;
            if (request.Target is null)
            {
                await app.MigrateOnStartupIfConfiguredAsync();
                await app.StartAsync(ct);
                channel = app.Services.GetRequiredService<LoopbackChannel>().Create();
            }
            else
            {
                var token = await ServiceConnection.ReadTokenAsync(request.TokenFile, ct);
                channel = ServiceConnection.Open(request.Target, token);
            }
            using (channel)
            {
                using var written = new GroundTruthWriter(request.Truth, options);
                var loader = new PortfolioLoader(channel.CreateCallInvoker(), logger)
                {
                    Streams = request.Streams,
                    AccountConcurrency = request.Concurrency ?? 8,
                };
                LoadReport report;
                using (var progress = new WorkProgress("Generating", options.Accounts, "accounts", logger, Clock(app)))
                {
                    report = await loader.LoadAsync(PortfolioGenerator.Generate(options), options.Source, account =>
                    {
                        written.Add(account);
                        progress.Advance();
                    }, ct);
                }
                logger.LogInformation(
                    "Generated {Accounts} accounts in {Seconds:0.0} s: {Contracts} contracts, {Outcomes} outcomes, " +
                    "{Events} events ({Rate:0}/s), {Nps} NPS answers, {Tickets} tickets, {Touchpoints} touchpoints, " +
                    "{Milestones} milestones. Ground truth: {Truth}",
                    report.Accounts, report.Elapsed.TotalSeconds, report.Contracts, report.Outcomes,
                    report.EventsAccepted + report.EventsDuplicate, report.EventsPerSecond, report.NpsResponses,
                    report.Tickets, report.Touchpoints, report.Milestones, Path.GetFullPath(request.Truth));
            }
            return 0;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            logger.LogError("The service refused the credential ({Status}: {Detail}); pass a token with every scope " +
                "in --token-file or CUSTOMERHEALTH_TOKEN.", ex.StatusCode, ex.Status.Detail);
            return 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Generating the portfolio failed.");
            return 1;
        }
        finally
        {
            if (request.Target is null) await app.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> DirectAsync(
        WebApplication app, PortfolioOptions options, string truth, int? writers, ILogger logger, CancellationToken ct)
    {
        try
        {
            await app.MigrateOnStartupIfConfiguredAsync();
            using var written = new GroundTruthWriter(truth, options);
            var services = app.Services;
            var sqlite = services.GetRequiredService<DatabaseOptions>().Provider == DatabaseProvider.Sqlite;
            using var progress = new WorkProgress("Direct load", options.Accounts, "accounts", logger, Clock(app));
            var writer = new DirectPortfolioWriter(services.GetRequiredService<IServiceScopeFactory>(),
                services.GetRequiredService<EventRules>(), services.GetRequiredService<TimeProvider>(), logger)
            {
                Writers = writers ?? (sqlite ? 1 : 2),
                Progress = progress,
            };
            var report = await writer.WriteAsync(PortfolioGenerator.Generate(options), written, ct);
            logger.LogInformation(
                "Direct load of {Accounts} accounts in {Seconds:0.0} s: {Events} events summed into {Rows} " +
                "rollup rows (no raw events); peak working set {PeakMiB} MiB. Ground truth: {Truth}",
                report.Accounts, report.Elapsed.TotalSeconds, report.Events, report.RollupRows,
                Environment.WorkingSet / (1 << 20), Path.GetFullPath(truth));
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The direct load failed.");
            return 1;
        }
    }

    /// <summary>
    /// Generates without writing, counting what a load would write: events, user-days and account-days (the rollup
    /// rows).
    /// </summary>
    private static void SizeOnly(PortfolioOptions options, string truth, ILogger logger, TimeProvider time)
    {
        using var progress = new WorkProgress("Generating without writing", options.Accounts, "accounts", logger, time);
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
            requests += 1 + account.Contracts.Count + account.Outcomes.Count + account.NpsResponses.Count
                + account.Tickets.Count + account.Touchpoints.Count + account.MilestoneCompletions.Count;
            written.Add(account);
            progress.Advance();
        }
        logger.LogInformation(
            "Generated {Accounts} accounts without writing in {Seconds:0.0} s: {Events} events, {UserDays} " +
            "user-days, {AccountDays} account-days, {Requests} other requests; peak working set {PeakMiB} MiB. " +
            "Ground truth: {Truth}",
            options.Accounts, clock.Elapsed.TotalSeconds, events, userDays, accountDays, requests,
            Environment.WorkingSet / (1 << 20), Path.GetFullPath(truth));
    }

    /// <summary><c>--archetype</c> and <c>--self-serve-share</c>.</summary>
    private static (Option<string> Archetype, Option<double> Share) MixOptions()
    {
        var archetype = Text("--archetype", "b2b", "b2b: annual contracts with seats, tiers and CSMs; self-serve: " +
            "monthly plans of one to five users, churn driven by the rates of the uses that create value; mixed: " +
            "both (see --self-serve-share). The B2B accounts of a mixed portfolio are those of a B2B one with the " +
            "same seed");
        archetype.AcceptOnlyFromAmong([.. PortfolioOptions.MixNames.Keys]);
        var share = new Option<double>("--self-serve-share")
        {
            Description = "With --archetype mixed: the share of self-serve accounts (0 to 1)",
            DefaultValueFactory = _ => 0.5,
            HelpName = "SHARE",
        };
        return (archetype, share);
    }

    private static TimeProvider Clock(WebApplication app) => app.Services.GetRequiredService<TimeProvider>();

    private static Option<int> Number(string name, int fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "N" };

    private static Option<string> Text(string name, string fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "TEXT" };
}
