using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Synthetic;
using Grpc.Core;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// Generates a portfolio, writes it through the API and logs what it did. Its ground truth is not written here: the lab
/// tools' <c>generate --write none</c> makes it from the same options (same seed, size, days and prefix, same day).
/// </summary>
public static class PortfolioSeeding
{
    public static async Task<LoadReport> RunAsync(
        CallInvoker invoker, PortfolioOptions options, ILogger logger, TimeProvider clock, CancellationToken ct,
        Action? accountWritten = null)
    {
        using var activity = ServiceActivities.StartWork("demo.seed");
        logger.LogInformation(
            "Writing a synthetic portfolio of {Accounts} accounts (seed {Seed}, {ActivityDays} days of activity up " +
            "to {Today}) through the gRPC API.",
            options.Accounts, options.Seed, options.ActivityDays, options.Today);
        LoadReport report;
        using (var progress = new WorkProgress("Demo portfolio", options.Accounts, "accounts", logger, clock))
        {
            report = await new PortfolioLoader(invoker, logger)
                .LoadAsync(PortfolioGenerator.Generate(options), options.Source, written: _ =>
                {
                    progress.Advance();
                    accountWritten?.Invoke();
                }, ct);
        }
        logger.LogInformation(
            "Synthetic portfolio written in {Seconds:0.0} s: {Accounts} accounts, {Contracts} contracts, {Outcomes} " +
            "renewal outcomes, {Events} events ({Duplicates} already there, {Rate:0} events/s), {Nps} NPS answers, " +
            "{Tickets} tickets, {Touchpoints} touchpoints, {Milestones} milestones.",
            report.Elapsed.TotalSeconds, report.Accounts, report.Contracts, report.Outcomes, report.EventsAccepted,
                report.EventsDuplicate, report.EventsPerSecond,
            report.NpsResponses, report.Tickets, report.Touchpoints, report.Milestones);
        return report;
    }
}
