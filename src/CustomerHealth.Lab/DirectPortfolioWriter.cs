using System.Diagnostics;
using System.Threading.Channels;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.BulkLoad;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EventCatalogue = CustomerHealth.Domain.Engagement.EventCatalogue;

namespace CustomerHealth.Lab;

/// <summary>What a direct load wrote.</summary>
public sealed record DirectLoadReport(int Accounts, long Events, long RollupRows, TimeSpan Elapsed);

/// <summary>
/// <c>generate --write direct</c>: the synthetic portfolio's requests are read by the API's own request readers (the
/// same validation) and written in chunks of accounts by <see cref="BulkAccountLoader"/>, without HTTP and without
/// storing raw events (their rollups are). Generation runs ahead of the writes, a chunk per writer at most, so memory
/// stays bounded.
/// </summary>
public sealed class DirectPortfolioWriter(
    IServiceScopeFactory scopes, EventRules rules, TimeProvider clock, ILogger logger)
{
    /// <summary>Accounts per chunk unless set.</summary>
    public const int DefaultChunkSize = 250;

    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>
    /// Chunks written at once, each in its own transaction on its own connection. On a server database the bulk
    /// inserts' work is in the database's own processes, so two writers keep both cores busy; SQLite has one writer
    /// anyway.
    /// </summary>
    public int Writers { get; init; } = 1;

    /// <summary>Counts the accounts written, for the progress of the load (none by default).</summary>
    public WorkProgress? Progress { get; init; }

    public async Task<DirectLoadReport> WriteAsync(
        IEnumerable<SyntheticAccount> accounts, GroundTruthWriter? truth, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        logger.LogInformation(
            "Direct load: chunks of {ChunkSize} accounts, {Writers} written at once.", ChunkSize, Writers);
        var catalogue = await EnsureCatalogueAsync(ct);
        var chunks = Channel.CreateBounded<List<NewAccount>>(Math.Max(2, Writers));
        long events = 0, rows = 0;
        var written = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var generated in accounts.Chunk(ChunkSize))
                {
                    // Reading the requests and reducing the events is most of the CPU work: spread it over the cores.
                    var inputs = new NewAccount[generated.Length];
                    var now = clock.GetUtcNow().UtcDateTime;
                    Parallel.For(
                        0, generated.Length, new ParallelOptions { CancellationToken = ct },
                        i => inputs[i] = Read(generated[i], catalogue, now));
                    foreach (var account in generated) truth?.Add(account);
                    events += inputs.Sum(i => i.Activity.Events);
                    await chunks.Writer.WriteAsync([.. inputs], ct);
                }
                chunks.Writer.Complete();
            }
            catch (Exception ex)
            {
                chunks.Writer.TryComplete(ex);
            }
        }, ct);
        async Task WriteChunksAsync()
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(ct))
            {
                await using var scope = scopes.CreateAsyncScope();
                var chunkRows = await scope.ServiceProvider.GetRequiredService<BulkAccountLoader>()
                    .WriteAsync(chunk, catalogue, ct);
                Interlocked.Add(ref rows, chunkRows);
                Interlocked.Add(ref written, chunk.Count);
                Progress?.Advance(chunk.Count);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Writers)).Select(_ => Task.Run(WriteChunksAsync, ct)));
        await producer;
        return new DirectLoadReport(written, events, rows, watch.Elapsed);
    }

    /// <summary>Adds the synthetic product's events to the catalogue (before any rollup is written).</summary>
    private async Task<EventCatalogue> EnsureCatalogueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<EventCatalogueStore>();
        var current = await store.GetAsync(ct);
        if (SyntheticCatalogue.MergeInto(current.ToProto()) is not { } merged) return current;
        var (entries, _, _) = EventRequests.Read(new UpdateEventCatalogueRequest { Catalogue = merged });
        return (await store.ReplaceAsync(entries, current.Version, Caller.Service("customerhealth-generate"), ct))
            .Catalogue;
    }

    private NewAccount Read(SyntheticAccount account, EventCatalogue catalogue, DateTime now)
    {
        var contracts = account.Contracts.Select(c => AccountRequests.Read(new UpsertContractRequest { Contract = c }))
            .ToArray();
        var events = new Google.Protobuf.Collections.RepeatedField<V1.UsageEvent>();
        events.AddRange(account.Events());
        return new NewAccount(
            AccountRequests.Read(new UpsertAccountRequest { Account = account.Account }),
            contracts,
            account.Outcomes.Select(AccountRequests.Read).ToArray(),
            account.NpsResponses.Select(n => SignalRequests.Read(new RecordNpsResponseRequest { Response = n }, now))
                .ToArray(),
            account.Tickets.Select(t => SignalRequests.Read(new UpsertSupportTicketRequest { Ticket = t }, now))
                .ToArray(),
            account.Touchpoints.Select(t => SignalRequests.Read(new RecordTouchpointRequest { Touchpoint = t }, now))
                .ToArray(),
            account.MilestoneCompletions.Select(
                m => new ManualCompletion(
                    m.MilestoneKey, m.CompletedBy, string.IsNullOrEmpty(m.Note) ? null : m.Note,
                    m.CompleteTime.ToDateTime())).ToArray(),
            AccountActivity.Of(
                EventRequests.ReadEvents(events), catalogue, rules, contracts.Min(c => c.StartDate), now));
    }
}
