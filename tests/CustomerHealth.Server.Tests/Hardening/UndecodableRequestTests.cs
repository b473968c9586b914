using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Hardening;

/// <summary>
/// Request bodies the protobuf decoder cannot read are the caller's mistake: INVALID_ARGUMENT with a short reason on
/// every kind of method, and no error or stack trace in the server's log. Sent as raw bytes on the RPC's own path.
/// </summary>
public sealed class UndecodableRequestTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    public static TheoryData<string, string> UndecodableBodies => new()
    {
        { "invalid UTF-8 in a string", "0a02fffe" },
        { "a truncated field", "0a05" },
        { "a bad wire type", "ff" },
        { "nesting deeper than 100", NestedGroups(101) },
    };

    [Theory]
    [MemberData(nameof(UndecodableBodies))]
    public async Task AnUndecodableUnaryRequestIsInvalidArgumentWithAShortReason(string what, string hex)
    {
        var method = Unary(AccountService.Descriptor.FullName, "GetAccount");

        var status = await FailsWith(StatusCode.InvalidArgument, () =>
            Service.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(cancellationToken: Ct),
                Convert.FromHexString(hex)).ResponseAsync);

        Assert.StartsWith("The request message could not be decoded", status.Message);
        Assert.True(status.Message.Length < 300, $"{what}: {status.Message}");
        Assert.Equal(UndecodableRequests.Reason, status.GetDetail<ErrorInfo>()?.Reason);
        Assert.DoesNotContain(Service.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    // WatchHealthChangesRequest's field 1 is a number, so a string there is an unknown field, not an error: its
    // string field is owner (4).
    public static TheoryData<string, string> UndecodableWatchRequests => new()
    {
        { "invalid UTF-8 in a string", "2202fffe" },
        { "a truncated field", "2205" },
        { "a bad wire type", "ff" },
        { "nesting deeper than 100", NestedGroups(101) },
    };

    [Theory]
    [MemberData(nameof(UndecodableWatchRequests))]
    public async Task AnUndecodableServerStreamingRequestIsInvalidArgument(string what, string hex)
    {
        var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, HealthService.Descriptor.FullName,
            "WatchHealthChanges", Raw, Raw);
        using var call = Service.Channel.CreateCallInvoker()
            .AsyncServerStreamingCall(method, null, new CallOptions(cancellationToken: Ct), Convert.FromHexString(hex));

        var status = await FailsWith(StatusCode.InvalidArgument, async () => await call.ResponseStream.MoveNext(Ct));

        Assert.True(status.GetDetail<ErrorInfo>()?.Reason == UndecodableRequests.Reason, what);
        Assert.DoesNotContain(Service.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("0a02fffe")]
    [InlineData("ff")]
    public async Task AMalformedStreamEventsMessageEndsTheStreamWithInvalidArgument(string hex)
    {
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, EngagementService.Descriptor.FullName,
            "StreamEvents", Raw, Raw);
        using var call = Service.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null,
            new CallOptions(cancellationToken: Ct));

        await call.RequestStream.WriteAsync(Convert.FromHexString(hex), Ct);
        await call.RequestStream.CompleteAsync();
        var status = await FailsWith(StatusCode.InvalidArgument, async () => await call.ResponseStream.MoveNext(Ct));

        Assert.Equal(UndecodableRequests.Reason, status.GetDetail<ErrorInfo>()?.Reason);
        Assert.DoesNotContain(Service.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task AClientResettingItsEventStreamIsNoErrorInTheLog()
    {
        var client = new EngagementService.EngagementServiceClient(Service.Channel);
        using (var reset = client.StreamEvents(cancellationToken: Ct))
        {
            // Started and then abandoned mid-stream: disposing the call resets the HTTP/2 stream.
            await reset.RequestStream.WriteAsync(new StreamEventsRequest
            {
                Source = "reset-test",
                BatchSequence = 1,
                Events = { new UsageEvent { EventId = "e1", AccountId = "nobody", UserId = "u", EventName = "login" } },
            }, Ct);
        }

        // A later call on the same channel answers, and nothing was logged as an error.
        await client.GetEventCatalogueAsync(new GetEventCatalogueRequest(), cancellationToken: Ct);
        Assert.DoesNotContain(Service.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static Method<byte[], byte[]> Unary(string service, string name) => new(MethodType.Unary, service, name,
        Raw, Raw);

    /// <summary>Field 2 as <paramref name="depth"/> nested groups: start-group tags, then as many end-group
    /// tags.</summary>
    private static string NestedGroups(int depth) => string.Concat(Enumerable.Repeat("13",
        depth)) + string.Concat(Enumerable.Repeat("14", depth));
}
