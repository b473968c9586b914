using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// The real server (Program, its DI and its gRPC pipeline) on an in-process test server, pointed at a test database,
/// with a manual clock. Clients talk to it through a <see cref="GrpcChannel"/> over the test server's handler.
/// </summary>
public sealed class ServiceUnderTest : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly bool _migrateOnStartup;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private GrpcChannel? _channel;

    /// <param name="settings">Extra configuration (for example <c>Demo:Enabled</c>).</param>
    public ServiceUnderTest(
        TestDatabase database, ManualClock clock, bool migrateOnStartup = true,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        _database = database;
        _migrateOnStartup = migrateOnStartup;
        _settings = settings ?? new Dictionary<string, string>();
        Clock = clock;
    }

    public ManualClock Clock { get; }

    /// <summary>What the server logged at warning level and above.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A channel whose calls carry a token with every scope.</summary>
    public GrpcChannel Channel => _channel ??= ChannelWith(TestCredentials.AllScopes);

    /// <summary>
    /// A new channel whose calls carry <paramref name="token"/> (none when null); the caller disposes it.
    /// </summary>
    public GrpcChannel ChannelWith(string? token) => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
        MaxReceiveMessageSize = 16 * 1024 * 1024,
        Credentials = token is null ? ChannelCredentials.Insecure : WithBearer(token),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    /// <summary>Plaintext channel credentials that add <c>Authorization: Bearer token</c> to every call.</summary>
    public static ChannelCredentials WithBearer(string token) =>
        Client.CustomerHealthClientExtensions.BearerCredentials(token, tls: false);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting(
            $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}", _database.Provider.ToString());
        builder.UseSetting($"ConnectionStrings:{DatabaseOptions.ConnectionStringName}", _database.ConnectionString);
        builder.UseSetting(
            $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.MigrateOnStartup)}", _migrateOnStartup ? "true"
            : "false");
        builder.UseSetting("Onboarding:EvaluationInterval", "00:00:00.100");
        builder.UseSetting("Health:RecomputeInterval", "00:00:00.100");
        foreach (var (key, value) in TestCredentials.ServerSettings) builder.UseSetting(key, value);
        // On Kestrel (StartOnKestrel), appsettings.json's dashboard endpoint would take its fixed port in every test.
        builder.UseSetting("Kestrel:Endpoints:Web:Url", "http://127.0.0.1:0");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            // The server's calls to itself (demo mode) go through the test server's in-memory handler. It is the host's
            // own IServer, not this factory's Server property: the demo calls while the factory is still starting the
            // host, and a read of Server then would start a second host on the same database.
            services.AddSingleton(sp =>
            {
                var server = sp.GetRequiredService<IServer>();
                return new LoopbackChannel(
                    server,
                    () =>
                        sp.GetService<DevelopmentCredentials>()?.Mint("demo-loader", Scopes.All, TimeSpan.FromHours(1))
                        ?? TestCredentials.AllScopes,
                    server is TestServer test ? () => test.CreateHandler() : null);
            });
        });
    }

    /// <summary>
    /// Serves on a real Kestrel socket instead of the in-memory test server (for TLS and client certificates, which
    /// the in-memory handler cannot carry), at the addresses the configuration names; returns the first bound one.
    /// </summary>
    public Uri StartOnKestrel()
    {
        UseKestrel();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>A scope of the server's own services, to look at what the database holds.</summary>
    public async Task<T> InDatabaseAsync<T>(Func<CustomerHealthDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        await base.DisposeAsync();
    }
}
