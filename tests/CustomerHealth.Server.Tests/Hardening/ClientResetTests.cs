using System.Net;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Hardening;

/// <summary>
/// A client that resets its call (HTTP/2 RST_STREAM) while the server waits for its request message, on a real
/// Kestrel socket: Kestrel fails the read at once and cancels the call's token a moment later, and grpc-dotnet logged
/// the reset as an error whenever the read's failure came first. A reset is the client leaving, never an error.
/// </summary>
public sealed class ClientResetTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private const int Resets = 12;

    [Theory]
    [InlineData("/customerhealth.v1.AccountService/GetAccount")] // unary
    [InlineData("/customerhealth.v1.HealthService/WatchHealthChanges")] // server streaming
    [InlineData("/customerhealth.v1.EngagementService/StreamEvents")] // bidirectional: the service reads
    public async Task AClientResettingItsCallBeforeSendingTheRequestLeavesNoErrorInTheLog(string path)
    {
        await using var server = new ServiceUnderTest(Database, new ManualClock(DefaultNow),
            settings: new Dictionary<string, string> { ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0" });
        var address = server.StartOnKestrel();
        using var client = new HttpClient(new SocketsHttpHandler());

        for (var n = 0; n < Resets; n++)
        {
            using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            leave.CancelAfter(TimeSpan.FromMilliseconds(300 + 20 * n));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(
                CallWithoutItsMessage(new Uri(address, path)), HttpCompletionOption.ResponseHeadersRead, leave.Token));
        }
        // The server sees each reset a little after the client sent it: a last call, answered, comes after them all.
        using var health = await client.SendAsync(HealthCheck(address), Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var errors = server.Logs.Entries.Where(e => e.Level >= LogLevel.Error)
            .Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}").ToList();
        Assert.Empty(errors);
    }

    /// <summary>A gRPC call over HTTP/2 whose request stream stays open and empty until the client leaves.</summary>
    private static HttpRequestMessage CallWithoutItsMessage(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new NeverEndingContent(),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new("Bearer", TestCredentials.AllScopes);
        return request;
    }

    /// <summary>A unary health check, as raw gRPC (an empty request message).</summary>
    private static HttpRequestMessage HealthCheck(Uri address)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new("Bearer", TestCredentials.AllScopes);
        return request;
    }

    private sealed class NeverEndingContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(
            Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
