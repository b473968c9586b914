using System.Collections.Concurrent;
using Grpc.Core;

namespace CustomerHealth.Fuzz;

/// <summary>A finding: a case whose answer broke a rule of the suite, with what it broke.</summary>
public sealed record FuzzFailure(string Rule, StatusCode Code, string? Detail, FuzzCase Case)
{
    public override string ToString() => $"{Rule}: {Code} \"{Detail}\" <- {Case.Reproducer}";
}

/// <summary>
/// What a run saw: calls and status codes per RPC, latencies, the largest answers, write races whose copies ended
/// differently, and the findings. Safe to record into from many callers at once.
/// </summary>
public sealed class FuzzReport(long maxResponseBytes)
{
    /// <summary>Findings kept in full (all are counted).</summary>
    public const int KeptFailures = 500;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<StatusCode, long>> _codes = new();
    private readonly ConcurrentDictionary<string, long> _largest = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly ConcurrentQueue<FuzzFailure> _failures = new();
    private long _failureCount;
    private long _racesDiverged;

    public long MaxResponseBytes => maxResponseBytes;

    public long Calls => _codes.Values.Sum(c => c.Values.Sum());

    public long FailureCount => Interlocked.Read(ref _failureCount);

    public long RacesDiverged => Interlocked.Read(ref _racesDiverged);

    public IReadOnlyList<FuzzFailure> Failures => [.. _failures];

    /// <summary>Calls per status code, per RPC path.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<StatusCode, long>> Codes =>
        _codes.ToDictionary(e => e.Key, e => (IReadOnlyDictionary<StatusCode, long>)e.Value.ToDictionary());

    public IReadOnlyDictionary<string, long> LargestAnswers => _largest.ToDictionary();

    public void Record(FuzzCase fuzzCase, CallOutcome outcome)
    {
        var path = fuzzCase.Rpc.Path;
        _codes.GetOrAdd(path, _ => new()).AddOrUpdate(outcome.Code, 1, (_, n) => n + 1);
        _largest.AddOrUpdate(path, outcome.ResponseBytes, (_, n) => Math.Max(n, outcome.ResponseBytes));
        _latencies.Add(outcome.Latency.TotalMilliseconds);
        if (outcome.Code is StatusCode.Unknown or StatusCode.Internal)
        {
            var rule = $"no {FuzzReportWriter.Name(outcome.Code)}";
            Fail(new FuzzFailure(rule, outcome.Code, outcome.Detail, fuzzCase));
        }
        if (outcome.ResponseBytes > maxResponseBytes)
        {
            var rule = $"answer over {maxResponseBytes:N0} bytes";
            Fail(new FuzzFailure(rule, outcome.Code, $"{outcome.ResponseBytes:N0} bytes", fuzzCase));
        }
    }

    /// <summary>Counts a write race whose identical copies did not all end with the same code.</summary>
    public void RecordRace(IEnumerable<CallOutcome> outcomes)
    {
        if (outcomes.Select(o => o.Code).Distinct().Count() > 1) Interlocked.Increment(ref _racesDiverged);
    }

    public void Fail(FuzzFailure failure)
    {
        Interlocked.Increment(ref _failureCount);
        if (_failures.Count < KeptFailures) _failures.Enqueue(failure);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0 to 100) over every call, in milliseconds.</summary>
    public double LatencyPercentile(double percentile)
    {
        var sorted = _latencies.Order().ToArray();
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
