using Grpc.Core;
using Grpc.Health.V1;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Runs numbered cases of a <see cref="CaseFactory"/> against a server through one <see cref="CallInvoker"/> (whose
/// channel carries the credentials) and records every outcome in a <see cref="FuzzReport"/>.
/// </summary>
public sealed class FuzzEngine(CallInvoker invoker, CaseFactory cases, RawCaller caller)
{
    /// <summary>
    /// Cases <paramref name="first"/> onwards, <paramref name="concurrency"/> at a time, until <paramref name="count"/>
    /// were run or <paramref name="until"/> passed (whichever comes first), or the token is cancelled.
    /// </summary>
    public async Task RunAsync(
        long first, long count, DateTimeOffset? until, int concurrency, FuzzReport report, CancellationToken ct)
    {
        var next = first - 1;
        async Task Worker()
        {
            while (!ct.IsCancellationRequested && (until is null || DateTimeOffset.UtcNow < until))
            {
                var index = Interlocked.Increment(ref next);
                if (index >= first + count) return;
                await RunCaseAsync(cases.Make(index), report, ct);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
    }

    /// <summary>Sends a case (all its copies at once, for a write race) and records how each copy ended.</summary>
    public async Task<CallOutcome> RunCaseAsync(FuzzCase fuzzCase, FuzzReport report, CancellationToken ct)
    {
        if (fuzzCase.Copies == 1)
        {
            var outcome = await caller.CallAsync(fuzzCase, ct);
            report.Record(fuzzCase, outcome);
            return outcome;
        }
        var copies = Enumerable.Range(0, fuzzCase.Copies).Select(_ => caller.CallAsync(fuzzCase, ct));
        var outcomes = await Task.WhenAll(copies);
        foreach (var outcome in outcomes) report.Record(fuzzCase, outcome);
        report.RecordRace(outcomes);
        return outcomes[0];
    }

    /// <summary>
    /// Boundary, chaos and malformed cases (one message each) for every RPC, <paramref name="rounds"/> each, one at a
    /// time, with the database's checksum taken before and after each call: a rejected call must change nothing.
    /// The checksum is taken again until it holds still after an accepted call (background work it queued may run).
    /// </summary>
    public async Task RunOneAtATimeAsync(
        long first, int rounds, DatabaseChecksum checksum, FuzzReport report, CancellationToken ct)
    {
        CaseKind[] kinds = [CaseKind.Boundary, CaseKind.Chaos, CaseKind.Malformed];
        var before = await checksum.SettledAsync(ct);
        for (long i = 0; i < (long)rounds * cases.Rpcs.Count; i++)
        {
            var fuzzCase = cases.Make(first + i, kinds[(int)(i / cases.Rpcs.Count % kinds.Length)]);
            if (fuzzCase.Bodies.Count > 1) fuzzCase = fuzzCase with { Bodies = [fuzzCase.Bodies[^1]] };
            var outcome = await RunCaseAsync(fuzzCase, report, ct);
            if (!IsRejection(outcome.Code))
            {
                before = await checksum.SettledAsync(ct);
                continue;
            }
            var after = await checksum.ReadAsync(ct);
            if (after != before)
            {
                report.Fail(new FuzzFailure("a rejected call changed the database", outcome.Code,
                    $"{outcome.Detail} (tables: {DatabaseChecksum.Changed(before, after)})", fuzzCase));
                before = await checksum.SettledAsync(ct);
            }
        }
    }

    /// <summary>Whether the server still answers its health probe with SERVING.</summary>
    public async Task<bool> IsServingAsync(CancellationToken ct)
    {
        try
        {
            var answer = await new Health.HealthClient(invoker).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
            return answer.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    /// <summary>A call the server refused: it must not have written anything.</summary>
    public static bool IsRejection(StatusCode code) =>
        code is not (StatusCode.OK or StatusCode.DeadlineExceeded or StatusCode.Cancelled or StatusCode.Unavailable);
}
