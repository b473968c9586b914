using System.Collections.Concurrent;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Outages;

/// <summary>
/// The calls the outage tests make: reads, writes and event streams, each with a generous deadline (a call that hangs
/// fails the test by its deadline, never by a timed assertion), and what the callers were told.
/// </summary>
internal sealed class OutageCalls(global::Grpc.Net.Client.GrpcChannel channel, CancellationToken ct)
{
    public const string Account = "outage";

    /// <summary>Every event id the service acknowledged, by a unary call or on a stream.</summary>
    public ConcurrentBag<string> Acknowledged { get; } = [];

    /// <summary>The status codes of the calls that failed under load.</summary>
    public ConcurrentBag<StatusCode> Failures { get; } = [];

    public AccountService.AccountServiceClient Accounts { get; } = new(channel);

    public EngagementService.EngagementServiceClient Engagement { get; } = new(channel);

    private int _next;

    public static DateTime Deadline => DateTime.UtcNow.AddMinutes(2);

    public Task Read() => Accounts.GetAccountAsync(
        new() { AccountId = Account }, deadline: Deadline, cancellationToken: ct).ResponseAsync;

    public Task Write(string account = Account) =>
        Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(account) }, deadline: Deadline, cancellationToken: ct).ResponseAsync;

    /// <summary>Ingests one new event by a unary call and remembers it once acknowledged.</summary>
    public async Task Ingest()
    {
        var id = $"unary-{Interlocked.Increment(ref _next)}";
        await Engagement.IngestEventsAsync(Batch(Event(id, Account)), deadline: Deadline, cancellationToken: ct);
        Acknowledged.Add(id);
    }

    /// <summary>Sends batches of one new event on one stream, each acknowledged before the next.</summary>
    public async Task Stream(int batches = int.MaxValue)
    {
        using var call = Engagement.StreamEvents(deadline: Deadline, cancellationToken: ct);
        for (var sequence = 1; sequence <= batches; sequence++)
        {
            var id = $"stream-{Interlocked.Increment(ref _next)}";
            var request = new StreamEventsRequest
            {
                Source = "product", BatchSequence = sequence, Events = { Event(id, Account) },
            };
            try
            {
                await call.RequestStream.WriteAsync(request, ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                // The call has ended: how, the answers say.
            }
            if (!await call.ResponseStream.MoveNext(ct))
                throw new InvalidOperationException("The stream ended without an answer.");
            Acknowledged.Add(id);
        }
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(ct))
        {
        }
    }

    /// <summary>Repeats <paramref name="call"/> until <paramref name="stop"/>, keeping each failure's code.</summary>
    public async Task Repeat(Func<Task> call, Func<bool> stop)
    {
        while (!stop())
        {
            try
            {
                await call();
            }
            catch (RpcException ex)
            {
                Failures.Add(ex.StatusCode);
                await Task.Delay(20, ct);
            }
        }
    }

    /// <summary>Polls until <paramref name="done"/>; fails after a generous two minutes.</summary>
    public static async Task Until(Func<Task<bool>> done, string what)
    {
        var deadline = Deadline;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Gave up waiting for {what}.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Asserts that a status says the database is away, with a pause to retry after.</summary>
    public static void IsDatabaseUnavailable(Google.Rpc.Status status)
    {
        Assert.Equal((int)Code.Unavailable, status.Code);
        Assert.Equal(DatabaseUnavailable.Reason, status.GetDetail<ErrorInfo>()?.Reason);
        Assert.True(status.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }
}
