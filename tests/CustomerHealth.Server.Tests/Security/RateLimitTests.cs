using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// Per-caller fairness through real gRPC calls: each authenticated caller has its own budget per scope, a caller over
/// it is told RESOURCE_EXHAUSTED with a pause to retry after (never UNAVAILABLE), and the probes are never limited.
/// </summary>
public sealed class RateLimitTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    // Small enough to reach in a test; a token bucket of 2 refilled by 1 each second.
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["RateLimits:Read:RequestsPerSecond"] = "1",
        ["RateLimits:Read:Burst"] = "2",
        ["RateLimits:EngagementWrite:ConcurrentStreams"] = "1",
    };

    [Fact]
    public async Task ACallerOverItsRequestRateIsToldResourceExhaustedWithAPauseToRetryAfter()
    {
        var reads = new EngagementService.EngagementServiceClient(Service.Channel);

        var refused = await FirstRefusal(
            () => reads.GetEventCatalogueAsync(new(), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var status = refused.GetRpcStatus()!;
        Assert.Equal(CallerRateLimits.ReasonRequestRate, status.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal(Scopes.Read, status.GetDetail<ErrorInfo>()?.Metadata["scope"]);
        Assert.True(status.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }

    [Fact]
    public async Task OneCallersExhaustedBudgetLeavesOtherCallersOtherScopesAndProbesServed()
    {
        var reads = new EngagementService.EngagementServiceClient(Service.Channel);
        await FirstRefusal(() => reads.GetEventCatalogueAsync(new(), cancellationToken: Ct).ResponseAsync);

        using var other = Service.ChannelWith(TestCredentials.Token(Scopes.All, subject: "another-caller"));
        await new EngagementService.EngagementServiceClient(other).GetEventCatalogueAsync(new(), cancellationToken: Ct);
        await new AccountService.AccountServiceClient(Service.Channel)
            .UpsertAccountAsync(new() { Account = Build.Account("still-writing") }, cancellationToken: Ct);
        var probes = new global::Grpc.Health.V1.Health.HealthClient(Service.Channel);
        for (var i = 0; i < 20; i++) await probes.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
    }

    [Fact]
    public async Task ACallerAtItsStreamLimitIsToldResourceExhaustedUntilOneCloses()
    {
        await new AccountService.AccountServiceClient(Service.Channel)
            .UpsertAccountAsync(new() { Account = Build.Account() }, cancellationToken: Ct);
        var engagement = new EngagementService.EngagementServiceClient(Service.Channel);
        using (var open = engagement.StreamEvents(cancellationToken: Ct))
        {
            await open.RequestStream.WriteAsync(
                new() { Source = "product", BatchSequence = 1, Events = { Event("s-1") } }, Ct);
            Assert.True(await open.ResponseStream.MoveNext(Ct)); // the stream is in the service: it holds its permit

            using var second = engagement.StreamEvents(cancellationToken: Ct);
            var refused = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(Ct));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            var reason = refused.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
            Assert.Equal(CallerRateLimits.ReasonConcurrentStreams, reason);
            Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());

            await open.RequestStream.CompleteAsync();
            Assert.False(await open.ResponseStream.MoveNext(Ct));
        }

        // The permit goes back once the server has finished the call, just after the client saw its end.
        await Outages.OutageCalls.Until(async () =>
        {
            using var next = engagement.StreamEvents(cancellationToken: Ct);
            await next.RequestStream.CompleteAsync();
            try
            {
                return !await next.ResponseStream.MoveNext(Ct);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                return false;
            }
        }, "a new stream once the first closed");
    }

    /// <summary>Calls until the first refusal: a bucket of 2 refilled by 1 a second runs dry in a few calls.</summary>
    private static async Task<RpcException> FirstRefusal(Func<Task> call)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await call();
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.OK)
            {
                return ex;
            }
        }
        throw new Xunit.Sdk.XunitException("200 calls in a row were served under a limit of 1 a second.");
    }
}
