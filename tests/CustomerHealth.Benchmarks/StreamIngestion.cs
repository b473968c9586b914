using System.Collections.Concurrent;
using System.Diagnostics;
using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// What the streams achieved: how long from the first write to the last acknowledgement, and every batch that did not
/// go in whole.
/// </summary>
internal sealed record IngestionResult(
    int Events, int Batches, TimeSpan Wall, ResourceUsage Usage, BatchTotals Totals, IReadOnlyList<string> Failures)
{
    public double EventsPerSecond => Events / Wall.TotalSeconds;
}

/// <summary>The answers' counts added up over every batch.</summary>
internal sealed record BatchTotals(long Accepted, long Duplicates, long Rejected)
{
    public override string ToString() => $"{Accepted:N0} accepted, {Duplicates:N0} duplicates, {Rejected:N0} rejected";
}

/// <summary>
/// Prepares the server (accounts, catalogue) and then sends the workload through concurrent
/// <c>EngagementService.StreamEvents</c> calls, one per stream. Each call writes its batches as fast as HTTP/2 flow
/// control lets it while a reader collects the answers, so the server always has the next batch at hand.
/// </summary>
internal static class StreamIngestion
{
    /// <summary>
    /// Creates the accounts and installs the catalogue, through the API, before anything is measured.
    /// </summary>
    public static async Task PrepareAsync(GrpcChannel channel, Workload workload, CancellationToken ct)
    {
        var accounts = new AccountService.AccountServiceClient(channel);
        await Parallel.ForEachAsync(
            workload.Accounts, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (account, token) =>
                await accounts.UpsertAccountAsync(
                    new UpsertAccountRequest { Account = account }, cancellationToken: token));
        var engagement = new EngagementService.EngagementServiceClient(channel);
        await engagement.UpdateEventCatalogueAsync(
            new UpdateEventCatalogueRequest { Catalogue = workload.Catalogue, UpdatedBy = "benchmark@example.com" },
            cancellationToken: ct);
    }

    public static async Task<IngestionResult> RunAsync(GrpcChannel channel, Workload workload, CancellationToken ct)
    {
        var client = new EngagementService.EngagementServiceClient(channel);
        var expected = workload.Streams.SelectMany(s => s).ToDictionary(b => b.BatchSequence, b => b.Events.Count);
        var failures = new ConcurrentQueue<string>();
        var (answered, accepted, duplicates, rejected) = (0, 0L, 0L, 0L);

        var usage = ResourceUsage.Now();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workload.Streams.Select((batches, i) => Task.Run(async () =>
        {
            try
            {
                await StreamAsync(client, batches, Check, ct);
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                failures.Enqueue($"stream {i}: the call failed with {ex.StatusCode}: {ex.Status.Detail}");
            }
        }, ct)));
        var wall = clock.Elapsed;
        var used = ResourceUsage.Now().Since(usage);

        void Check(StreamEventsResponse response)
        {
            Interlocked.Increment(ref answered);
            var r = response.Result;
            Interlocked.Add(ref accepted, r.Accepted);
            Interlocked.Add(ref duplicates, r.Duplicates);
            Interlocked.Add(ref rejected, r.Rejected);
            if (!expected.TryGetValue(response.BatchSequence, out var size))
                failures.Enqueue($"batch {response.BatchSequence}: an answer to no batch that was sent");
            else if (r.Accepted != size || r.Duplicates != 0 || r.Rejected != 0)
            {
                var first = r.Rejections.FirstOrDefault() is { } x
                    ? $"; first rejection: #{x.Index} {x.Reason}: {x.Message}" : "";
                failures.Enqueue(
                    $"batch {response.BatchSequence}: {r.Accepted} of {size} accepted, {r.Duplicates} duplicates, " +
                    $"{r.Rejected} rejected{first}");
            }
        }

        if (answered != expected.Count) failures.Enqueue(
            $"{expected.Count - answered} of {expected.Count} batches got no answer");
        return new IngestionResult(
            workload.EventCount, expected.Count, wall, used, new BatchTotals(accepted, duplicates, rejected),
            failures.ToArray());
    }

    private static async Task StreamAsync(
        EngagementService.EngagementServiceClient client, IReadOnlyList<StreamEventsRequest> batches,
        Action<StreamEventsResponse> check, CancellationToken ct)
    {
        using var call = client.StreamEvents(cancellationToken: ct);
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(ct)) check(response);
        }, ct);
        foreach (var batch in batches) await call.RequestStream.WriteAsync(batch, ct);
        await call.RequestStream.CompleteAsync();
        await reading;
    }
}
