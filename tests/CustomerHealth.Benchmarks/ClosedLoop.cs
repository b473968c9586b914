using System.Diagnostics;
using System.Globalization;
using Grpc.Core;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// What one closed-loop run measured: calls (and items, e.g. scores) answered per second, latency, CPU.
/// </summary>
internal sealed record LoopResult(
    string Name, double CallsPerSecond, double ItemsPerSecond, double P50Ms, double P99Ms, long Ok, long Failed,
    double CpuMicrosPerCall, string FirstFailure)
{
    /// <summary>A local PostgreSQL server's CPU per call over the same time (<see cref="DatabaseCpu"/>), if
    /// measured.</summary>
    public double? DatabaseCpuMicrosPerCall { get; init; }

    /// <summary>Bytes this process allocated per call (client and server; every thread), over the same time: unlike
    /// the CPU, it does not grow with the machine's load.</summary>
    public double AllocatedBytesPerCall { get; init; }

    /// <summary>An open loop's p99 of how late the pacer started a call (from when it was due), in ms, and the most
    /// calls in flight at once: a latency the pacer's lateness does not explain is the process's own
    /// queue.</summary>
    public (double StartLagP99Ms, int MaxInFlight)? Pacing { get; init; }

    private string Database => DatabaseCpuMicrosPerCall is { } d ? $" + {d.ToString("N0", C)} db" : "";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The table row; <paramref name="ofBare"/> is the share of the bare server shown (none for the bare
    /// run itself): a round's own ratio, or for a median row the median of the rounds' ratios.</summary>
    public string Row(double? ofBare) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {CallsPerSecond:N0} | {(ofBare is { } r ? r.ToString("P1", C) : "")} | " +
        $"{ItemsPerSecond:N0} | {P50Ms:N2} | {P99Ms:N2} | {CpuMicrosPerCall:N0}{Database}, " +
        $"{AllocatedBytesPerCall / 1024:N1} KB | {Ok:N0} / {Failed:N0} |");
}

/// <summary>
/// A closed loop of gRPC calls from this process: <c>inFlight</c> callers, each calling again as soon as its answer
/// arrives, for a warm-up and then a measured time. Unlike h2load it sends a different request on every call (a
/// uniformly random account), which is what a miss-heavy read looks like. Client and server share this process, so the
/// CPU per call is of both; every server is measured by the same client, in the same run.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>
    /// Runs <paramref name="call"/> (given the caller's own <see cref="Random"/>; it returns the items answered, e.g. 1
    /// or the scores of a batch) from <paramref name="inFlight"/> callers for <paramref name="warmUp"/> then
    /// <paramref name="measured"/>.
    /// </summary>
    public static async Task<LoopResult> RunAsync(string name, int inFlight, TimeSpan warmUp, TimeSpan measured,
        Func<Random, CancellationToken, Task<int>> call, CancellationToken ct, DatabaseCpu? database = null)
    {
        var state = new LoopState();
        var callers = Enumerable.Range(0, inFlight).Select(i => Task.Run(() => CallerAsync(i, call, state, ct)))
            .ToArray();
        await Task.Delay(warmUp, ct);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var databaseCpu = database?.Now();
        var allocated = GC.GetTotalAllocatedBytes();
        state.Start();
        await Task.Delay(measured, ct);
        var seconds = state.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        var databaseMicros = (database?.Now() - databaseCpu)?.TotalMilliseconds * 1000;
        state.Finish();
        await Task.WhenAll(callers); // each caller ends after its call in flight: none is cut off
        var latencies = state.Latencies();
        var ok = state.Ok;
        return new LoopResult(name, ok / seconds, state.Items / seconds, Percentile(latencies, 0.5),
            Percentile(latencies, 0.99), ok, state.Failed,
            cpu.TotalMilliseconds * 1000 / Math.Max(1, ok + state.Failed),
            state.FirstFailure ?? "")
        {
            DatabaseCpuMicrosPerCall = databaseMicros / Math.Max(1, ok + state.Failed),
            AllocatedBytesPerCall = (double)allocated / Math.Max(1, ok + state.Failed),
        };
    }

    private static async Task CallerAsync(
        int index, Func<Random, CancellationToken, Task<int>> call, LoopState state, CancellationToken ct)
    {
        var random = new Random(1_000 + index);
        var mine = new List<double>();
        state.Register(mine);
        while (!state.Finished && !ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var items = await call(random, ct);
                state.Answered(mine, Stopwatch.GetElapsedTime(started).TotalMilliseconds, items);
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                state.Failure(ex.Status.ToString());
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>
    /// Counts only between <see cref="Start"/> and <see cref="Stop"/>; each caller keeps its own latencies.
    /// </summary>
    private sealed class LoopState
    {
        private readonly List<List<double>> _latencies = [];
        private volatile bool _measuring;
        private volatile bool _finished;
        private long _ok, _failed, _items, _started;
        private double _seconds;

        public long Ok => Interlocked.Read(ref _ok);
        public long Failed => Interlocked.Read(ref _failed);
        public long Items => Interlocked.Read(ref _items);
        public string? FirstFailure { get; private set; }
        public bool Finished => _finished;

        public void Finish() => _finished = true;

        public void Register(List<double> mine)
        {
            lock (_latencies) _latencies.Add(mine);
        }

        public void Start()
        {
            _started = Stopwatch.GetTimestamp();
            _measuring = true;
        }

        public double Stop()
        {
            _measuring = false;
            _seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            return _seconds;
        }

        public void Answered(List<double> mine, double ms, int items)
        {
            if (!_measuring) return;
            mine.Add(ms);
            Interlocked.Increment(ref _ok);
            Interlocked.Add(ref _items, items);
        }

        public void Failure(string status)
        {
            FirstFailure ??= status;
            Interlocked.Increment(ref _failed); // warm-up included: any failure fails the run
        }

        public double[] Latencies()
        {
            lock (_latencies)
            {
                var all = _latencies.SelectMany(l => l).ToArray();
                Array.Sort(all);
                return all;
            }
        }
    }
}
