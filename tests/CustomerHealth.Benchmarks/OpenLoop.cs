using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// An open loop of gRPC calls from this process: calls started at a fixed rate whether or not earlier ones have been
/// answered, as independent clients would send them. Each call's latency is counted from the time it was due, not from
/// when the pacer got to it, so a stall of the process shows in the latencies (no coordinated omission). Used for the
/// latency at a given share of the saturated rate (issue 24: p99 at half saturation), which a closed loop cannot show:
/// there the callers wait in the server's queue and the latency only says how long the queue is.
/// </summary>
internal static class OpenLoop
{
    /// <summary>
    /// Starts <paramref name="call"/> <paramref name="perSecond"/> times a second for <paramref name="warmUp"/> then
    /// <paramref name="measured"/>; the latencies and counts are of the calls due in the measured time.
    /// </summary>
    public static async Task<LoopResult> RunAsync(string name, double perSecond, TimeSpan warmUp, TimeSpan measured,
        Func<Random, CancellationToken, Task<int>> call, CancellationToken ct)
    {
        var random = new Random(2_024); // used by the pacer alone: a call picks its request before its first await
        var latencies = new ConcurrentBag<double>();
        var lags = new ConcurrentBag<double>();
        var maxInFlight = 0;
        var inFlight = new ConcurrentDictionary<long, Task>();
        long ok = 0, failed = 0, items = 0;
        string? firstFailure = null;
        var total = (long)((warmUp + measured).TotalSeconds * perSecond);
        var firstMeasured = (long)(warmUp.TotalSeconds * perSecond);
        var start = Stopwatch.GetTimestamp();
        var cpu = TimeSpan.Zero;
        var allocated = 0L;
        for (long sent = 0; sent < total && !ct.IsCancellationRequested;)
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond));
            if (sent >= firstMeasured) maxInFlight = Math.Max(maxInFlight, inFlight.Count);
            for (; sent < due; sent++)
            {
                if (sent == firstMeasured)
                    (cpu, allocated) = (Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes());
                var n = sent;
                var dueAt = start + (long)(n / perSecond * Stopwatch.Frequency);
                inFlight[n] = One(n >= firstMeasured);
                async Task One(bool counted)
                {
                    if (counted) lags.Add(Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds);
                    try
                    {
                        var answered = await call(random, ct);
                        if (!counted) return;
                        latencies.Add(Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds);
                        Interlocked.Increment(ref ok);
                        Interlocked.Add(ref items, answered);
                    }
                    catch (RpcException ex) when (!ct.IsCancellationRequested)
                    {
                        firstFailure ??= ex.Status.ToString();
                        Interlocked.Increment(ref failed);
                    }
                    finally
                    {
                        inFlight.TryRemove(n, out _);
                    }
                }
            }
            await Task.Delay(1, ct);
        }
        await Task.WhenAll(inFlight.Values);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        var seconds = measured.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        return new LoopResult(name, ok / seconds, items / seconds, Percentile(sorted, 0.5), Percentile(sorted, 0.99),
            ok, failed, cpu.TotalMilliseconds * 1000 / Math.Max(1, ok + failed), firstFailure ?? "")
        {
            Pacing = (Percentile(lags.Order().ToArray(), 0.99), maxInFlight),
            AllocatedBytesPerCall = (double)allocated / Math.Max(1, ok + failed),
        };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
