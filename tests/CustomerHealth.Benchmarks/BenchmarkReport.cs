using System.Globalization;
using System.Runtime.InteropServices;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Prints the results as a Markdown table (ready for the README) with the machine it ran on, the failures if any, and
/// whether the goals are met: at least <see cref="SqliteGoalEventsPerSecond"/> events/s into SQLite through the stream,
/// and the service at least <see cref="BaselineGoalRatio"/> of the plain-insert baseline on every engine.
/// </summary>
internal static class BenchmarkReport
{
    public const double SqliteGoalEventsPerSecond = 50_000;
    public const double BaselineGoalRatio = 0.5;

    public static void Write(TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        var warmup = options.WarmupEvents > 0
            ? string.Create(c, $"warm-up of {options.WarmupEvents:N0} events on a scratch database first (JIT-compiled, as a running service)")
            : "no warm-up (cold process: JIT compilation included)";
        output.WriteLine(string.Create(c,
            $"Machine: {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}. " +
            $"Workload: {options.Accounts:N0} accounts × {options.UsersPerAccount:N0} users, events over {options.Days} days, seed {options.Seed}; {warmup}."));
        foreach (var r in results)
        {
            var variants = r.Baseline.Notes.Count == 0 ? "" : $" ({string.Join("; ", r.Baseline.Notes)})";
            output.WriteLine($"- {r.Provider}: {r.Engine}. Baseline: {r.Baseline.Method}{variants}. Service run: {r.Service.Usage.Describe(r.Service.Events)}.");
        }
        output.WriteLine();
        output.WriteLine("| provider | events | batch size | streams | service events/s | baseline rows/s | service / baseline | wall s |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(c,
                $"| {r.Provider} | {r.Service.Events:N0} | {options.BatchSize:N0} | {options.Streams} | {r.Service.EventsPerSecond:N0} | {r.Baseline.RowsPerSecond:N0} | {r.Ratio:P0} | {r.Service.Wall.TotalSeconds:N2} |"));
        }
        output.WriteLine();

        foreach (var r in results.Where(r => r.Failures.Count > 0))
        {
            output.WriteLine($"{r.Provider}: {r.Failures.Count} failure(s):");
            foreach (var failure in r.Failures.Take(20)) output.WriteLine($"  - {failure}");
            if (r.Failures.Count > 20) output.WriteLine($"  - … and {r.Failures.Count - 20} more");
        }

        output.WriteLine("Goals:");
        foreach (var r in results.Where(r => r.Provider == "SQLite"))
            output.WriteLine(Goal(r.Service.EventsPerSecond >= SqliteGoalEventsPerSecond, string.Create(c, $"SQLite through the stream ≥ {SqliteGoalEventsPerSecond:N0} events/s: {r.Service.EventsPerSecond:N0}")));
        foreach (var r in results)
            output.WriteLine(Goal(r.Ratio >= BaselineGoalRatio, string.Create(c, $"{r.Provider} service ≥ {BaselineGoalRatio:P0} of the baseline: {r.Ratio:P0}")));
    }

    private static string Goal(bool met, string text) => $"  [{(met ? "met" : "NOT met")}] {text}";
}
