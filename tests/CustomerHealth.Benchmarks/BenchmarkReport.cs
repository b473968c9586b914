using System.Globalization;
using System.Runtime.InteropServices;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Prints the results as a Markdown table (ready for docs/benchmarks/ingestion.md) with the machine it ran on, the
/// failures if any, and each engine's service against issue 24's goal (at least <see cref="GoalRatio"/> of the
/// plain-insert baseline) and floor (<see cref="FloorRatio"/>). Returns false when any engine is below its floor.
/// </summary>
internal static class BenchmarkReport
{
    public const double GoalRatio = 0.8;
    public const double FloorRatio = 0.6;

    public static bool Write(TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        WriteSetup(output, options, results);
        output.WriteLine();
        output.WriteLine(
            "| provider | events | batch size | streams | service events/s | baseline rows/s | service / baseline | " +
            "wall s |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            var label = options.Rounds > 1 ? string.Create(c, $"{r.Provider}, round {r.Round}") : r.Provider;
            output.WriteLine(string.Create(c,
                $"| {label} | {r.Service.Events:N0} | {options.BatchSize:N0} | {options.Streams} | " +
                $"{r.Service.EventsPerSecond:N0} | {r.Baseline.RowsPerSecond:N0} | {r.Ratio:P0} | " +
                $"{r.Service.Wall.TotalSeconds:N2} |"));
        }
        var summaries = results.GroupBy(r => r.Provider)
            .Select(g => new Summary(
                g.Key, Median(g.Select(r => r.Service.EventsPerSecond)),
                    Median(g.Select(r => r.Baseline.RowsPerSecond)),
                Median(g.Select(r => r.Ratio))))
            .ToArray();
        if (options.Rounds > 1)
        {
            foreach (var m in summaries)
                output.WriteLine(string.Create(c,
                    $"| {m.Provider}, median of {options.Rounds} | | | | {m.EventsPerSecond:N0} | " +
                    $"{m.RowsPerSecond:N0} | {m.Ratio:P0} | |"));
        }
        output.WriteLine();
        WriteFailures(output, results);
        return WriteGoals(output, options, summaries);
    }

    private readonly record struct Summary(string Provider, double EventsPerSecond, double RowsPerSecond, double Ratio);

    private static void WriteSetup(TextWriter output, BenchmarkOptions options, IReadOnlyList<ProviderResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        var warmup = options.WarmupEvents > 0
            ? string.Create(
                c,
                $"warm-up of {options.WarmupEvents:N0} events on a scratch database first (JIT-compiled, as a " +
                $"running service)")
            : "no warm-up (cold process: JIT compilation included)";
        output.WriteLine(string.Create(c,
            $"Machine: {Environment.ProcessorCount} logical processors, {RuntimeInformation.OSDescription.Trim()}, " +
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}. " +
            $"Workload: {options.Accounts:N0} accounts × {options.UsersPerAccount:N0} users, events over " +
            $"{options.Days} days, seed {options.Seed}; {warmup}."));
        foreach (var r in results)
        {
            var variants = r.Baseline.Notes.Count == 0 ? "" : $" ({string.Join("; ", r.Baseline.Notes)})";
            var round = options.Rounds > 1 ? string.Create(c, $", round {r.Round}") : "";
            output.WriteLine(
                $"- {r.Provider}{round}: {r.Engine}. Baseline: {r.Baseline.Method}{variants}. Service run: " +
                $"{r.Service.Usage.Describe(r.Service.Events)}.");
        }
    }

    private static void WriteFailures(TextWriter output, IReadOnlyList<ProviderResult> results)
    {
        foreach (var r in results.Where(r => r.Failures.Count > 0))
        {
            output.WriteLine($"{r.Provider}: {r.Failures.Count} failure(s):");
            foreach (var failure in r.Failures.Take(20)) output.WriteLine($"  - {failure}");
            if (r.Failures.Count > 20) output.WriteLine($"  - … and {r.Failures.Count - 20} more");
        }
    }

    private static bool WriteGoals(TextWriter output, BenchmarkOptions options, Summary[] summaries)
    {
        var c = CultureInfo.InvariantCulture;
        // With several rounds the goals are judged on the medians: on a shared machine one round's baseline alone moves
        // by more than a tenth, and the median of interleaved rounds is what a repeat of the command would most likely
        // show.
        var of = options.Rounds > 1 ? string.Create(c, $" (median of {options.Rounds} rounds)") : "";
        output.WriteLine("Goals (issue 24):");
        foreach (var m in summaries)
            output.WriteLine(string.Create(c,
                $"  [{Judge(m.Ratio)}] {m.Provider} service {m.Ratio:P0} of the baseline{of} (goal {GoalRatio:P0}, " +
                $"floor {FloorRatio:P0}); {m.EventsPerSecond:N0} events/s"));
        return summaries.All(m => m.Ratio >= FloorRatio);
    }

    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Judge(double ratio) =>
        ratio >= GoalRatio ? "goal met" : ratio >= FloorRatio ? "floor met" : "floor NOT met";
}
