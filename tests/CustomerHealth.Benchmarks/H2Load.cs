using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// What one h2load run measured: requests per second, HTTP outcome counts, and latency percentiles from its per-request
/// log.
/// </summary>
internal sealed record H2LoadResult(
    string Command, double RequestsPerSecond, long Succeeded, long Failed, long Errored, long Status2xx,
    int LoggedRequests, double P50Ms, double P99Ms, double MeanMs, string RawSummary);

/// <summary>
/// Runs h2load (Debian: <c>apt-get install nghttp2-client</c>) against one gRPC unary method: the request body is the
/// gRPC frame (a 0 byte, the 4-byte big-endian length, the message), sent with <c>content-type: application/grpc</c>
/// and <c>te: trailers</c>. h2load reports the mean latency only, so the percentiles come from its per-request log
/// (<c>--log-file</c>: start, HTTP status, duration in µs per line).
/// </summary>
internal static partial class H2Load
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "h2load")).FirstOrDefault(File.Exists);

    public static async Task<H2LoadResult> RunAsync(
        string h2load, Uri server, string path, IMessage request, int connections, int streams,
        int warmUpSeconds, int durationSeconds, CancellationToken ct, string? accessToken = null)
    {
        var body = System.IO.Path.GetTempFileName();
        var logFile = System.IO.Path.GetTempFileName();
        try
        {
            var message = request.ToByteArray();
            var frame = new byte[5 + message.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1, 4), message.Length);
            message.CopyTo(frame, 5);
            await File.WriteAllBytesAsync(body, frame, ct);

            var url = new Uri(server, path).ToString();
            string[] arguments =
            [
                url, "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", body,
                "-c", connections.ToString(CultureInfo.InvariantCulture), "-t", "1", "-m",
                    streams.ToString(CultureInfo.InvariantCulture),
                "--warm-up-time", warmUpSeconds.ToString(CultureInfo.InvariantCulture), "-D",
                    durationSeconds.ToString(CultureInfo.InvariantCulture),
                "--log-file", logFile,
                .. accessToken is null ? Array.Empty<string>() : ["-H", "authorization: Bearer " + accessToken],
            ];
            var start = new ProcessStartInfo(h2load) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("h2load did not start");
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            var output = await stdout + await stderr;
            if (process.ExitCode != 0) throw new InvalidOperationException(
                $"h2load exited with {process.ExitCode}:\n{output}");

            var durations = await ReadDurationsAsync(logFile, ct);
            var rps = Number(RequestsPerSecondPattern().Match(output));
            var requests = RequestsPattern().Match(output);
            var command = CommandLine(arguments, body, logFile);
            return new H2LoadResult(
                command, rps,
                Long(requests, "succeeded"), Long(requests, "failed"), Long(requests, "errored"),
                Long(Status2xxPattern().Match(output), "n"), durations.Count,
                Percentile(durations, 0.50), Percentile(durations, 0.99),
                durations.Count == 0 ? double.NaN : durations.Average(),
                Excerpt(output));
        }
        finally
        {
            File.Delete(body);
            File.Delete(logFile);
        }
    }

    /// <summary>Each request's duration in milliseconds from h2load's log, sorted.</summary>
    private static async Task<List<double>> ReadDurationsAsync(string logFile, CancellationToken ct)
    {
        var durations = new List<double>();
        foreach (var line in await File.ReadAllLinesAsync(logFile, ct))
        {
            var fields = line.Split('\t');
            if (fields.Length >= 3
                && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var micros))
                durations.Add(micros / 1000.0);
        }
        durations.Sort();
        return durations;
    }

    /// <summary>The command as a reader can repeat it: temporary files named, the token left out.</summary>
    private static string CommandLine(string[] arguments, string body, string logFile) =>
        "h2load " + string.Join(' ', arguments.Select(a =>
            a == body ? "body.bin"
            : a == logFile ? "requests.log"
            : a.StartsWith("authorization:", StringComparison.Ordinal) ? "'authorization: Bearer $TOKEN'"
            : a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'"
            : a));

    /// <summary>The lines of h2load's output worth keeping: totals, status codes and request times.</summary>
    private static string Excerpt(string output) =>
        string.Join('\n', output.Split('\n').Where(l =>
            l.StartsWith("finished", StringComparison.Ordinal)
            || l.StartsWith("requests:", StringComparison.Ordinal)
            || l.StartsWith("status codes:", StringComparison.Ordinal)
            || l.TrimStart().StartsWith("time for request", StringComparison.Ordinal)));

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN
            : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Number(Match m) =>
        m.Success ? double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : double.NaN;

    private static long Long(Match m, string group) =>
        m.Success ? long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"finished in [^,]+, (?<n>[0-9.]+) req/s")]
    private static partial Regex RequestsPerSecondPattern();

    [GeneratedRegex(
        @"requests: \d+ total, \d+ started, \d+ done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"status codes: (?<n>\d+) 2xx")]
    private static partial Regex Status2xxPattern();
}
