using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// A gRPC channel to this very server, so that demo data and generated portfolios go through the public API exactly as
/// a CRM integration's calls do. It uses the first address Kestrel listens on (a wildcard host becomes 127.0.0.1);
/// tests pass their in-memory handler instead.
/// </summary>
public sealed class LoopbackChannel(IServer server, Func<string> accessToken, Func<HttpMessageHandler>? handler = null)
{
    public GrpcChannel Create()
    {
        var address = handler is null ? ListeningAddress() : new Uri("http://localhost");
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = Client.CustomerHealthClientExtensions.BearerCredentials(
                accessToken(), tls: address.Scheme == Uri.UriSchemeHttps),
            UnsafeUseInsecureChannelCallCredentials = true,
            HttpHandler = handler?.Invoke() ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            ServiceConfig = Client.CustomerHealthClientExtensions.RetryingServiceConfig(),
        });
    }

    private Uri ListeningAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server listens on no address yet.");
        var uri = new Uri(
            address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        return uri.Host is "0.0.0.0" or "[::]" or "::" ? new UriBuilder(uri) { Host = "127.0.0.1" }.Uri : uri;
    }
}
