using System.Net;
using CustomerHealth.Benchmarks.Bare;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// The ceiling of a read: a grpc-dotnet server in this process, on its own Kestrel port (HTTP/2 cleartext), whose one
/// method reads the request and answers an empty message. Same middleware (the status counter) as the real server.
/// </summary>
internal sealed class BareServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareServer(WebApplication app, Uri address) => (_app, Address) = (app, address);

    public Uri Address { get; }

    public const string Path = "/customerhealth.benchmarks.v1.BareService/Get";

    public static async Task<BareServer> StartAsync(GrpcStatusCounter counter, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(
            kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        counter.AttachTo(app);
        app.MapGrpcService<BareGrpcService>();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return new BareServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class BareGrpcService : BareService.BareServiceBase
    {
        private static readonly Task<GetResponse> Empty = Task.FromResult(new GetResponse());

        public override Task<GetResponse> Get(GetRequest request, ServerCallContext context) => Empty;
    }
}
