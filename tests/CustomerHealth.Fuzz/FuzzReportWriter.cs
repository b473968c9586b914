using System.Globalization;
using Grpc.Core;

namespace CustomerHealth.Fuzz;

/// <summary>Prints a <see cref="FuzzReport"/> as Markdown: totals, latencies, codes per RPC, findings.</summary>
public static class FuzzReportWriter
{
    /// <summary>Findings printed in full; the rest are counted.</summary>
    public const int PrintedFailures = 40;

    public static async Task WriteAsync(FuzzReport report, TimeSpan elapsed, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        var calls = report.Calls;
        await output.WriteLineAsync(string.Create(c,
            $"\n{calls:N0} calls in {elapsed.TotalSeconds:N1} s " +
            $"({calls / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s); " +
            $"latency ms p50 {report.LatencyPercentile(50):N1}, p90 {report.LatencyPercentile(90):N1}, " +
            $"p99 {report.LatencyPercentile(99):N1}, p99.9 {report.LatencyPercentile(99.9):N1}, " +
            $"max {report.LatencyPercentile(100):N1}; write races with differing codes: {report.RacesDiverged:N0}"));
        await WriteCodesAsync(report, output);
        await output.WriteLineAsync(string.Create(c, $"\n{report.FailureCount:N0} findings"));
        foreach (var failure in report.Failures.Take(PrintedFailures)) await output.WriteLineAsync($"- {failure}");
    }

    private static async Task WriteCodesAsync(FuzzReport report, TextWriter output)
    {
        var codes = report.Codes;
        var seen = codes.Values.SelectMany(c => c.Keys).Distinct().Order().ToArray();
        await output.WriteLineAsync(
            $"\n| RPC | calls | largest answer (bytes) | {string.Join(" | ", seen.Select(Name))} |");
        await output.WriteLineAsync($"|---|---:|---:|{string.Concat(seen.Select(_ => "---:|"))}");
        var totals = new Dictionary<StatusCode, long>();
        foreach (var (path, byCode) in codes.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var cells = seen.Select(code => byCode.TryGetValue(code, out var n) ? n.ToString("N0", null) : "");
            foreach (var (code, n) in byCode) totals[code] = totals.GetValueOrDefault(code) + n;
            await output.WriteLineAsync(
                $"| {path} | {byCode.Values.Sum():N0} | {report.LargestAnswers.GetValueOrDefault(path):N0} | " +
                $"{string.Join(" | ", cells)} |");
        }
        var totalCells = seen.Select(code => totals.GetValueOrDefault(code).ToString("N0", null));
        await output.WriteLineAsync($"| **all** | {report.Calls:N0} | | {string.Join(" | ", totalCells)} |");
    }

    /// <summary>The code as the gRPC documents spell it (INVALID_ARGUMENT).</summary>
    public static string Name(StatusCode code) => code == StatusCode.OK ? "OK" : string.Concat(code.ToString()
        .Select((ch, i) => i > 0 && char.IsUpper(ch) ? $"_{ch}" : ch.ToString())).ToUpperInvariant();
}
