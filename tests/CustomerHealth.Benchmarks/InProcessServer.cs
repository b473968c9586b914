using System.Net;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Security;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// The real server, built like Program.cs builds it (the same <c>Add…</c>/<c>Map…</c> calls), listening on Kestrel with
/// HTTP/2 cleartext on a free port of 127.0.0.1. Its configuration is only what the caller passes (no appsettings.json,
/// no environment variables), and clients reach it over TCP like any external client.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        // Authenticated as shipped: with no identity provider configured on loopback, the server accepts tokens of its
        // development key, and the benchmark's calls carry one like any client's.
        // (With Authentication:AllowUnauthenticated there is no development key, and the calls carry no token.)
        AccessToken = app.Services.GetService<DevelopmentCredentials>()?
            .Mint("benchmark", Scopes.All, TimeSpan.FromDays(1));
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = AccessToken is null
                ? Grpc.Core.ChannelCredentials.Insecure
                : Client.CustomerHealthClientExtensions.BearerCredentials(AccessToken, tls: false),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    public Uri Address { get; }

    /// <summary>
    /// A token with every scope, for clients that are not this process's channel (h2load); none when the server runs
    /// without authentication.
    /// </summary>
    public string? AccessToken { get; }

    /// <summary>One channel (one HTTP/2 connection) shared by every call, as a typical client holds it.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The server's services (stores, recomputer), for work measured without the network in between.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts the server. <paramref name="configure"/> may add services (for example the health options without the
    /// background worker) and <paramref name="beforeMap"/> middleware, ahead of the gRPC endpoints;
    /// <paramref name="afterSecurity"/> middleware after authentication and authorization (the rate limiter).
    /// </summary>
    public static async Task<InProcessServer> StartAsync(
        IReadOnlyDictionary<string, string?> settings, CancellationToken ct,
        Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? beforeMap = null,
        Action<WebApplication>? afterSecurity = null)
    {
        var builder = WebApplication.CreateBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // Migrating a new PostgreSQL database logs its probe of the missing history table as a failed command.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
        });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.ConfigureKestrel(
            kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));

        builder.AddCustomerHealthPersistence();
        builder.AddCustomerHealthEngagement();
        builder.AddCustomerHealthGrpc();
        builder.AddCustomerHealthSecurity();
        // The account service answers overviews with renewal predictions: their settings, without the renewal workers
        // Program.cs starts with them (AddCustomerHealthRenewals).
        builder.Services.AddValidatedOptions<RenewalOptions, RenewalOptionsValidator>(RenewalOptions.Section);
        configure?.Invoke(builder);
        // Program.cs registers the health read cache with the health worker (AddCustomerHealthScoring), left out here.
        builder.Services.AddSingleton(sp => new HealthReadCache(
            sp.GetService<HealthOptions>()?.ReadCacheTtl ?? HealthReadCache.DefaultTimeToLive,
            sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        try
        {
            await app.MigrateOnStartupIfConfiguredAsync();
            beforeMap?.Invoke(app);
            app.UseCustomerHealthProbePort();
            app.UseCustomerHealthSecurity();
            afterSecurity?.Invoke(app);
            app.MapCustomerHealthGrpc();
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return new InProcessServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
