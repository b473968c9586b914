using System.Diagnostics;
using System.Globalization;
using CustomerHealth.V1;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 8: <c>MetricsService/GetPortfolioMetrics</c> for every account of an existing portfolio (month and quarter to
/// date as of today or <c>--as-of</c>, no filter), over gRPC against the real server in this process: one warm-up call,
/// then <c>--repetitions</c> calls one after the other, each timed from the request to the whole answer; the median is
/// the figure.
/// </summary>
internal static class MetricsBenchmark
{
    public const double GoalSeconds = 2;

    public static async Task<int> RunAsync(ModeOptions options, TextWriter log, CancellationToken ct)
    {
        var database = options.Database!;
        var loads = new List<string> { Machine.LoadAverage() };
        await using var server = await InProcessServer.StartAsync(
            database.ServerSettings, ct, ExistingDatabase.HealthOptionsOnly(500));
        var metrics = new MetricsService.MetricsServiceClient(server.Channel);
        var c = CultureInfo.InvariantCulture;
        var periods = new[] { PeriodKind.Month, PeriodKind.Quarter };
        var rows = new List<string>();
        var medians = new List<double>();
        foreach (var kind in periods)
        {
            var request = new GetPortfolioMetricsRequest { Period = new ReportingPeriod { Kind = kind } };
            if (options.AsOf is { } asOf)
                request.Period.EndDate = new Google.Type.Date { Year = asOf.Year, Month = asOf.Month, Day = asOf.Day };
            var (times, report) = await TimeAsync(metrics, request, options.Repetitions, log, ct);
            loads.Add(Machine.LoadAverage());
            var median = BenchmarkReport.Median(times);
            medians.Add(median);
            rows.Add(string.Create(c,
                $"| {kind} to date " +
                $"({Day(report.Period.StartDate)} to {Day(report.Period.EndDate)}) | {report.Accounts:N0} | " +
                $"{report.ActiveUsers:N0} | {median:N2} | {times[0]:N2} – {times[^1]:N2} | " +
                $"{string.Join(", ", times.Select(t => t.ToString("N2", c)))} |"));
        }

        log.WriteLine();
        log.WriteLine(
            $"Machine: {Machine.Describe()}. Database: {database.Description}. Load average (1, 5, 15 min) at the " +
            $"start and after each period: {string.Join(" | ", loads)}.");
        log.WriteLine();
        log.WriteLine(
            $"| period | accounts | active users | median s | min – max s | all {options.Repetitions} calls, s |");
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in rows) log.WriteLine(row);
        log.WriteLine();
        log.WriteLine("Goals:");
        log.WriteLine(
            string.Create(
                c,
                $"  [{(medians[0] < GoalSeconds ? "met" : "NOT met")}] GetPortfolioMetrics (month to date, every " +
                $"account) under {GoalSeconds:N0} s: median {medians[0]:N2} s"));
        return 0;
    }

    /// <summary>
    /// One warm-up call, then <paramref name="repetitions"/> timed ones; the times sorted, in seconds.
    /// </summary>
    private static async Task<(List<double> Times, PortfolioReport Report)> TimeAsync(
        MetricsService.MetricsServiceClient metrics, GetPortfolioMetricsRequest request, int repetitions,
        TextWriter log, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var kind = request.Period.Kind;
        var times = new List<double>();
        PortfolioReport? report = null;
        for (var i = 0; i <= repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            var answer = await metrics.GetPortfolioMetricsAsync(
                request, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct);
            clock.Stop();
            report = answer.Report;
            log.WriteLine(string.Create(c,
                $"[{DateTime.UtcNow:HH:mm:ss}] {kind} {(i == 0 ? "warm-up" : $"#{i}")}: " +
                $"{clock.Elapsed.TotalSeconds:N2} s"));
            if (i > 0) times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return (times, report!);
    }

    private static string Day(Google.Type.Date d) =>
        string.Create(CultureInfo.InvariantCulture, $"{d.Year:0000}-{d.Month:00}-{d.Day:00}");
}
