using System.Diagnostics;
using System.Globalization;
using CustomerHealth.V1;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issues 8 and 24: <c>MetricsService/GetPortfolioMetrics</c> for every account of an existing portfolio (month and
/// quarter to date as of today or <c>--as-of</c>, no filter), over gRPC against the real server in this process: one
/// warm-up call, then <c>--repetitions</c> calls one after the other, each timed from the request to the whole answer,
/// with the CPU time this process (server and client) spent on it; the medians are the figures. Exit code 1 when the
/// month's median misses the floor.
/// </summary>
internal static class MetricsBenchmark
{
    public const double GoalSeconds = 0.5;
    public const double FloorSeconds = 1;

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
        var cpuMedians = new List<double>();
        foreach (var kind in periods)
        {
            var request = new GetPortfolioMetricsRequest { Period = new ReportingPeriod { Kind = kind } };
            if (options.AsOf is { } asOf)
                request.Period.EndDate = new Google.Type.Date { Year = asOf.Year, Month = asOf.Month, Day = asOf.Day };
            var (times, cpu, report) = await TimeAsync(metrics, request, options.Repetitions, log, ct);
            loads.Add(Machine.LoadAverage());
            var median = BenchmarkReport.Median(times);
            medians.Add(median);
            cpuMedians.Add(BenchmarkReport.Median(cpu));
            rows.Add(string.Create(c,
                $"| {kind} to date " +
                $"({Day(report.Period.StartDate)} to {Day(report.Period.EndDate)}) | {report.Accounts:N0} | " +
                $"{report.ActiveUsers:N0} | {median:N2} | {cpuMedians[^1]:N2} | {times[0]:N2} – {times[^1]:N2} | " +
                $"{string.Join(", ", times.Select(t => t.ToString("N2", c)))} |"));
        }

        log.WriteLine();
        log.WriteLine(
            $"Machine: {Machine.Describe()}. Database: {database.Description}. Load average (1, 5, 15 min) at the " +
            $"start and after each period: {string.Join(" | ", loads)}.");
        log.WriteLine();
        log.WriteLine(
            $"| period | accounts | active users | median s | median CPU s | min – max s | " +
            $"all {options.Repetitions} calls, s |");
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in rows) log.WriteLine(row);
        log.WriteLine();
        log.WriteLine("Goals:");
        var verdict = medians[0] < GoalSeconds ? "goal met" : medians[0] < FloorSeconds ? "floor met" : "floor NOT met";
        log.WriteLine(
            string.Create(
                c,
                $"  [{verdict}] GetPortfolioMetrics (month to date, every account): median {medians[0]:N2} s " +
                $"(goal {GoalSeconds:N1} s, floor {FloorSeconds:N0} s), {cpuMedians[0]:N2} s of this process's CPU"));
        return medians[0] < FloorSeconds ? 0 : 1;
    }

    /// <summary>
    /// One warm-up call, then <paramref name="repetitions"/> timed ones; the wall and process CPU times, each sorted,
    /// in seconds.
    /// </summary>
    private static async Task<(List<double> Times, List<double> Cpu, PortfolioReport Report)> TimeAsync(
        MetricsService.MetricsServiceClient metrics, GetPortfolioMetricsRequest request, int repetitions,
        TextWriter log, CancellationToken ct)
    {
        var c = CultureInfo.InvariantCulture;
        var kind = request.Period.Kind;
        var (times, cpu) = (new List<double>(), new List<double>());
        PortfolioReport? report = null;
        for (var i = 0; i <= repetitions; i++)
        {
            var start = ResourceUsage.Now();
            var clock = Stopwatch.StartNew();
            var answer = await metrics.GetPortfolioMetricsAsync(
                request, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct);
            clock.Stop();
            var used = ResourceUsage.Now().Since(start).ProcessCpu.TotalSeconds;
            report = answer.Report;
            log.WriteLine(string.Create(c,
                $"[{DateTime.UtcNow:HH:mm:ss}] {kind} {(i == 0 ? "warm-up" : $"#{i}")}: " +
                $"{clock.Elapsed.TotalSeconds:N2} s, CPU {used:N2} s"));
            if (i == 0) continue;
            times.Add(clock.Elapsed.TotalSeconds);
            cpu.Add(used);
        }
        times.Sort();
        cpu.Sort();
        return (times, cpu, report!);
    }

    private static string Day(Google.Type.Date d) =>
        string.Create(CultureInfo.InvariantCulture, $"{d.Year:0000}-{d.Month:00}-{d.Day:00}");
}
