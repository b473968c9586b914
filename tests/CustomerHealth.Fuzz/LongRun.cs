using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerHealth.Fuzz;

/// <summary>The long run's settings (see the command's help, and docs/benchmarks/fuzz.md).</summary>
public sealed record LongRunOptions(
    Uri Target, string TokenFile, int Seed, long Count, TimeSpan? Duration, int Concurrency, TimeSpan Deadline,
    int? ServerPid, long MaxResponseBytes);

/// <summary>
/// The fuzz suite against a separately started server: seeds its ids, runs cases until the count or the duration is
/// reached, probes health as it goes, and prints calls and codes per RPC, latency percentiles, the largest answers,
/// the server's memory before and after, and every finding with its reproducer. Exit code 1 when anything was found.
/// </summary>
public static class LongRun
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(LongRunOptions options, TextWriter output, CancellationToken ct)
    {
        var token = (await File.ReadAllTextAsync(options.TokenFile, ct)).Trim();
        using var channel = GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions
        {
            Credentials = Bearer(token, options.Target.Scheme == Uri.UriSchemeHttps),
            UnsafeUseInsecureChannelCallCredentials = true,
            MaxReceiveMessageSize = 256 * 1024 * 1024, // oversized answers are measured, not refused by the client
        });
        var invoker = channel.CreateCallInvoker();
        var now = DateTimeOffset.UtcNow;
        var ids = new FuzzIds();
        var cases = new CaseFactory(options.Seed, FieldLimits.FromServer, ids, now, RpcCatalogue.All);
        var caller = new RawCaller(invoker, options.Deadline, TimeSpan.FromMilliseconds(300));
        var engine = new FuzzEngine(invoker, cases, caller);
        var report = new FuzzReport(options.MaxResponseBytes);

        var memoryBefore = options.ServerPid is { } pid ? ServerMemory.Read(pid) : null;
        await FuzzSeeding.EnsureAsync(invoker, ids, now, ct);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"fuzzing {RpcCatalogue.All.Count} RPCs at {options.Target} " +
            $"(seed {options.Seed}, {options.Concurrency} at once)"));
        var clock = Stopwatch.StartNew();
        var until = options.Duration is { } d ? DateTimeOffset.UtcNow + d : (DateTimeOffset?)null;
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ProgressAsync(engine, report, options, clock, output, stopProgress.Token);
        await engine.RunAsync(0, options.Count, until, options.Concurrency, report, ct);
        var elapsed = clock.Elapsed;
        await stopProgress.CancelAsync();
        var peakSampled = await progress;

        var serving = await engine.IsServingAsync(ct);
        var memoryAfter = options.ServerPid is { } p ? ServerMemory.Read(p) : null;
        await FuzzReportWriter.WriteAsync(report, elapsed, output);
        await output.WriteLineAsync($"server after the run: {(serving ? "SERVING" : "NOT SERVING or not answering")}");
        if (options.ServerPid is not null)
        {
            await output.WriteLineAsync(
                $"server memory: before {memoryBefore}, after {memoryAfter}, " +
                $"highest sampled RSS {peakSampled / 1024.0:N0} MiB");
        }
        return report.FailureCount == 0 && serving ? 0 : 1;
    }

    /// <summary>Prints progress, probes health every <see cref="ProgressEvery"/>; returns the top RSS (KiB).</summary>
    private static async Task<long> ProgressAsync(
        FuzzEngine engine, FuzzReport report, LongRunOptions options, Stopwatch clock, TextWriter output,
        CancellationToken ct)
    {
        long peak = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(ProgressEvery, ct);
                var memory = options.ServerPid is { } pid ? ServerMemory.Read(pid) : null;
                peak = Math.Max(peak, memory?.ResidentKiB ?? 0);
                var serving = await engine.IsServingAsync(ct);
                var state = serving ? "serving" : "NOT SERVING";
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalSeconds,6:N0} s: {report.Calls:N0} calls, " +
                    $"{report.FailureCount:N0} findings, {state}, {memory}"));
            }
        }
        catch (OperationCanceledException)
        {
        }
        return options.ServerPid is { } p ? Math.Max(peak, ServerMemory.Read(p)?.ResidentKiB ?? 0) : peak;
    }

    private static ChannelCredentials Bearer(string token, bool tls) => ChannelCredentials.Create(
        tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
        CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }));
}
