using System.Diagnostics;
using System.Threading.Channels;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Synthetic;

/// <summary>What a load wrote (counts as acknowledged by the service).</summary>
public sealed record LoadReport(
    int Accounts, int Contracts, int Outcomes, long EventsAccepted, long EventsDuplicate, int NpsResponses, int Tickets,
    int Touchpoints, int Milestones, int MilestonesSkipped, TimeSpan Elapsed)
{
    public double EventsPerSecond => (EventsAccepted + EventsDuplicate) / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Writes a synthetic portfolio through the public gRPC API, the way a CRM integration does: the event catalogue
/// (adding the synthetic product's events), then per account its account, contracts, renewal outcomes, NPS answers,
/// tickets, touchpoints and manual milestones (unary calls, several accounts at once), while its usage events go out on
/// event streams shared by all accounts. Every write is idempotent, so a load can be repeated or resumed; a rejected
/// event is an error (the generator must only make valid requests).
/// </summary>
public sealed class PortfolioLoader(CallInvoker invoker, ILogger? logger = null)
{
    private readonly AccountService.AccountServiceClient _accounts = new(invoker);
    private readonly EngagementService.EngagementServiceClient _engagement = new(invoker);
    private readonly OnboardingService.OnboardingServiceClient _onboarding = new(invoker);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Accounts written at once with unary calls.</summary>
    public int AccountConcurrency { get; init; } = 8;

    /// <summary>Event streams open at once.</summary>
    public int Streams { get; init; } = 2;

    /// <summary>Events per stream message.</summary>
    public int BatchSize { get; init; } = 2_000;

    /// <param name="written">Called with each account once written, one call at a time (for ground truth).</param>
    public async Task<LoadReport> LoadAsync(
        IEnumerable<SyntheticAccount> accounts, string source, Action<SyntheticAccount>? written, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await EnsureCatalogueAsync(ct);
        var events = Channel.CreateBounded<UsageEvent>(
            new BoundedChannelOptions(BatchSize * Streams * 4) { SingleWriter = false, SingleReader = false });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streams = Enumerable.Range(0, Streams).Select(_ => StreamEventsAsync(events.Reader, source, failed.Token))
            .ToArray();
        foreach (var stream in streams)
        {
            // A broken stream stops the writers too: otherwise they would wait forever on a full channel.
            _ = stream.ContinueWith(
                _ => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
        }
        var counts = new Counts();
        var gate = new Lock();
        try
        {
            await Parallel.ForEachAsync(
                accounts,
                new ParallelOptions { MaxDegreeOfParallelism = AccountConcurrency, CancellationToken = failed.Token },
                async (account, token) =>
            {
                await WriteAccountAsync(account, counts, token);
                foreach (var e in account.Events()) await events.Writer.WriteAsync(e, token);
                lock (gate)
                {
                    written?.Invoke(account);
                    counts.Accounts++;
                }
            });
            events.Writer.Complete();
        }
        catch (Exception ex)
        {
            events.Writer.TryComplete(ex);
            await failed.CancelAsync();
            await Task.WhenAll(streams.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
            // Prefer the stream's own failure (the service's answer) over the cancellation it caused here.
            if (ex is OperationCanceledException && !ct.IsCancellationRequested
                && streams.FirstOrDefault(s => s.IsFaulted) is { } broken)
                await broken;
            throw;
        }
        var results = await Task.WhenAll(streams);
        return new LoadReport(
            counts.Accounts, counts.Contracts, counts.Outcomes, results.Sum(r => r.Accepted),
            results.Sum(r => r.Duplicates),
            counts.Nps, counts.Tickets, counts.Touchpoints, counts.Milestones, counts.MilestonesSkipped, clock.Elapsed);
    }

    private async Task EnsureCatalogueAsync(CancellationToken ct)
    {
        var current = (await _engagement.GetEventCatalogueAsync(new(), cancellationToken: ct)).Catalogue;
        if (SyntheticCatalogue.MergeInto(current) is not { } merged) return;
        await _engagement.UpdateEventCatalogueAsync(
            new() { Catalogue = merged, UpdatedBy = "synthetic-portfolio", ExpectedVersion = current.Version },
            cancellationToken: ct);
    }

    private async Task WriteAccountAsync(SyntheticAccount account, Counts counts, CancellationToken ct)
    {
        await _accounts.UpsertAccountAsync(new() { Account = account.Account }, cancellationToken: ct);
        foreach (var contract in account.Contracts)
            await _accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: ct);
        foreach (var outcome in account.Outcomes)
            await _accounts.RecordRenewalOutcomeAsync(outcome, cancellationToken: ct);
        foreach (var answer in account.NpsResponses)
            await _engagement.RecordNpsResponseAsync(new() { Response = answer }, cancellationToken: ct);
        foreach (var ticket in account.Tickets)
            await _engagement.UpsertSupportTicketAsync(new() { Ticket = ticket }, cancellationToken: ct);
        foreach (var touchpoint in account.Touchpoints)
            await _engagement.RecordTouchpointAsync(new() { Touchpoint = touchpoint }, cancellationToken: ct);
        var skipped = 0;
        foreach (var completion in account.MilestoneCompletions)
        {
            try
            {
                await _onboarding.CompleteMilestoneAsync(completion, cancellationToken: ct);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                skipped++; // the deployment's template for this tier has no such milestone
            }
        }
        Interlocked.Add(ref counts.Contracts, account.Contracts.Count);
        Interlocked.Add(ref counts.Outcomes, account.Outcomes.Count);
        Interlocked.Add(ref counts.Nps, account.NpsResponses.Count);
        Interlocked.Add(ref counts.Tickets, account.Tickets.Count);
        Interlocked.Add(ref counts.Touchpoints, account.Touchpoints.Count);
        Interlocked.Add(ref counts.Milestones, account.MilestoneCompletions.Count - skipped);
        Interlocked.Add(ref counts.MilestonesSkipped, skipped);
    }

    /// <summary>
    /// Sends batches from <paramref name="events"/> on one stream and checks each answer: nothing may be rejected.
    /// </summary>
    private async Task<(long Accepted, long Duplicates)> StreamEventsAsync(
        ChannelReader<UsageEvent> events, string source, CancellationToken ct)
    {
        using var call = _engagement.StreamEvents(cancellationToken: ct);
        var answers = ReadAnswersAsync(call.ResponseStream, ct);
        long sequence = 0;
        try
        {
            while (await events.WaitToReadAsync(ct))
            {
                var batch = new StreamEventsRequest { Source = source, BatchSequence = ++sequence };
                while (batch.Events.Count < BatchSize && events.TryRead(out var e)) batch.Events.Add(e);
                if (batch.Events.Count == 0) { sequence--; continue; }
                await call.RequestStream.WriteAsync(batch, ct);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch
        {
            await answers.ContinueWith(_ => { }, TaskScheduler.Default);
            throw;
        }
        var (accepted, duplicates, answered) = await answers;
        if (answered != sequence) throw new InvalidOperationException(
            $"The event stream answered {answered} of {sequence} batches.");
        return (accepted, duplicates);
    }

    private static async Task<(long Accepted, long Duplicates, long Answered)> ReadAnswersAsync(
        IAsyncStreamReader<StreamEventsResponse> answers, CancellationToken ct)
    {
        long accepted = 0, duplicates = 0, answered = 0;
        while (await answers.MoveNext(ct))
        {
            var result = answers.Current.Result;
            if (result.Rejected > 0)
            {
                var first = result.Rejections[0];
                throw new InvalidOperationException(
                    $"The service rejected {result.Rejected} generated event(s) of batch " +
                    $"{answers.Current.BatchSequence}, first {first.EventId}: {first.Reason} {first.Message}");
            }
            accepted += result.Accepted;
            duplicates += result.Duplicates;
            answered++;
        }
        return (accepted, duplicates, answered);
    }

    private sealed class Counts
    {
        public int Accounts;
        public int Contracts;
        public int Outcomes;
        public int Nps;
        public int Tickets;
        public int Touchpoints;
        public int Milestones;
        public int MilestonesSkipped;
    }
}
