using System.Security.Cryptography.X509Certificates;
using CustomerHealth.Client;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// Service-to-service callers with client certificates, over TLS on a real Kestrel socket of 127.0.0.1: a certificate
/// of the trusted CA that a configured caller entry matches gets that entry's scopes, anything else is refused.
/// </summary>
public sealed class MutualTlsTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("customerhealth-mtls-").FullName;
    private readonly TestCertificates _ca = new("CustomerHealth Test CA");

    [Fact]
    public async Task AMappedCertificateGetsItsCallersScopesAndNoOthers()
    {
        var address = StartServer();
        using var certificate = _ca.Client("CN=dashboard, O=Example");

        var accounts = AccountClient(address, certificate);

        await FailsWith(
            StatusCode.NotFound,
            async () => await accounts.GetAccountAsync(new() { AccountId = "nobody" }, cancellationToken: Ct));
        var denied = await FailsWith(StatusCode.PermissionDenied, async () =>
            await accounts.UpsertAccountAsync(new() { Account = Build.Account("acme") }, cancellationToken: Ct));
        Assert.Equal(Scopes.CrmWrite, denied.GetDetail<ErrorInfo>()?.Metadata["required_scope"]);
    }

    [Fact]
    public async Task ACertificateIsMatchedByItsDnsName()
    {
        var address = StartServer();
        using var certificate = _ca.Client("CN=whatever", dnsName: "crm-sync.internal");

        var created = await AccountClient(address, certificate)
            .UpsertAccountAsync(new() { Account = Build.Account("acme") }, cancellationToken: Ct);

        Assert.True(created.Created);
    }

    [Fact]
    public async Task CertificatesOfAnotherAuthorityOrOfNoConfiguredCallerAreUnauthenticated()
    {
        var address = StartServer();
        using var otherCa = new TestCertificates("Somebody Else's CA");
        using var foreign = otherCa.Client("CN=dashboard, O=Example");
        using var unmapped = _ca.Client("CN=unknown-service");

        foreach (var certificate in new[] { foreign, unmapped })
        {
            var status = await FailsWith(StatusCode.Unauthenticated, async () =>
                await AccountClient(address, certificate)
                    .GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));
            Assert.Equal(
                GrpcAuthorizationResultHandler.ReasonInvalidCredentials, status.GetDetail<ErrorInfo>()?.Reason);
        }
    }

    [Fact]
    public async Task WithoutACertificateOnlyHealthProbesAndTokensAreServed()
    {
        var address = StartServer();
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            CustomerHealthClientExtensions.TrustedBy([_ca.Authority], cert as X509Certificate2, errors);
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });

        var health = await new global::Grpc.Health.V1.Health.HealthClient(channel)
            .CheckAsync(new(), cancellationToken: Ct);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await FailsWith(StatusCode.Unauthenticated, async () =>
            await new AccountService.AccountServiceClient(channel)
                .GetAccountAsync(new() { AccountId = "nobody" }, cancellationToken: Ct));
        var withToken = new AccountService.AccountServiceClient(channel);
        // The class shares one database, where another test stores "acme": ask for an account no test stores.
        await FailsWith(StatusCode.NotFound, async () => await withToken.GetAccountAsync(
            new() { AccountId = "nobody" },
                new Metadata { { "Authorization", "Bearer " + TestCredentials.AllScopes } }, cancellationToken: Ct));
    }

    [Fact]
    public async Task TheProbePortServesHealthChecksInCleartextAndNothingElse()
    {
        var probePort = Reserve(System.Net.Sockets.TcpListener.Create(0));
        StartServer(new()
        {
            ["Kestrel:Endpoints:Probes:Url"] = $"http://127.0.0.1:{probePort}",
            ["Kestrel:Endpoints:Probes:Protocols"] = "Http2",
            ["Probes:Port"] = probePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{probePort}");

        var health = await new global::Grpc.Health.V1.Health.HealthClient(channel)
            .CheckAsync(new(), cancellationToken: Ct);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var refused = await Assert.ThrowsAsync<RpcException>(
            async () => await new AccountService.AccountServiceClient(channel).GetAccountAsync(
            new() { AccountId = "acme" }, new Metadata { { "Authorization", "Bearer " + TestCredentials.AllScopes } },
                cancellationToken: Ct));
        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }

    private static int Reserve(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private Uri StartServer(Dictionary<string, string>? extra = null)
    {
        var server = TestCertificates.WritePem(_ca.Server(), _folder, "server");
        var bundle = Path.Combine(_folder, "ca.pem");
        File.WriteAllText(bundle, _ca.Authority.ExportCertificatePem());
        var settings = new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Certificate:Path"] = server.Certificate,
            ["Kestrel:Endpoints:Grpc:Certificate:KeyPath"] = server.Key,
            ["Authentication:Certificate:Enabled"] = "true",
            ["Authentication:Certificate:TrustedCaFile"] = bundle,
            ["Authentication:Certificate:Callers:0:Subject"] = "CN=dashboard,O=Example",
            ["Authentication:Certificate:Callers:0:Scopes:0"] = Scopes.Read,
            ["Authentication:Certificate:Callers:1:DnsName"] = "crm-sync.internal",
            ["Authentication:Certificate:Callers:1:Scopes:0"] = Scopes.CrmWrite,
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);
        _servers.Add(service);
        return service.StartOnKestrel();
    }

    private readonly List<ServiceUnderTest> _servers = [];

    private AccountService.AccountServiceClient AccountClient(Uri address, X509Certificate2 certificate)
    {
        var services = new ServiceCollection();
        services.AddCustomerHealthClient(address, o =>
        {
            o.ClientCertificate = certificate;
            o.ServerCertificateAuthorities = [_ca.Authority];
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<AccountService.AccountServiceClient>();
    }

    private readonly List<ServiceProvider> _providers = [];

    public override async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers) await provider.DisposeAsync();
        foreach (var server in _servers) await server.DisposeAsync();
        await base.DisposeAsync();
        _ca.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
