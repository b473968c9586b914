using System.Net;
using System.Net.Http.Json;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace CustomerHealth.Server.Tests.Web;

/// <summary>
/// gRPC-Web for the dashboard: the same services behind the same authentication and scopes as gRPC, and the page's
/// own public answers (its files, its sign-in settings, the loopback development token).
/// </summary>
public sealed class GrpcWebTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    [Fact]
    public async Task GrpcWebCallsPassTheSameAuthenticationAndScopesAsGrpc()
    {
        using var anonymous = GrpcWebChannel(Service, token: null);
        using var reader = GrpcWebChannel(Service, TestCredentials.Token([Scopes.Read]));

        await FailsWith(StatusCode.Unauthenticated, async () =>
            await new AccountService.AccountServiceClient(anonymous).ListAccountsAsync(new(), cancellationToken: Ct));
        var accounts = await new AccountService.AccountServiceClient(reader)
            .ListAccountsAsync(new(), cancellationToken: Ct);
        Assert.Equal(0, accounts.TotalSize);
        await FailsWith(StatusCode.PermissionDenied, async () =>
            await new HealthService.HealthServiceClient(reader).SetHealthOverrideAsync(
                new() { AccountId = "demo-000001" }, cancellationToken: Ct));
    }

    [Fact]
    public async Task ServiceInfoSaysTheDemoIsOffOutsideDemoMode()
    {
        using var reader = GrpcWebChannel(Service, TestCredentials.Token([Scopes.Read]));

        var info = await new ServiceInfoService.ServiceInfoServiceClient(reader)
            .GetServiceInfoAsync(new(), cancellationToken: Ct);

        Assert.Equal(DemoState.Off, info.Demo.State);
        Assert.Equal(0, info.Demo.AccountsPlanned);
    }

    [Fact]
    public async Task TheDashboardIsServedToBrowsersAndTheGrpcNoteToHttp2()
    {
        using var http = Service.CreateClient();

        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        using var http2 = new HttpRequestMessage(HttpMethod.Get, "/") { Version = HttpVersion.Version20 };
        var note = await (await http.SendAsync(http2, Ct)).Content.ReadAsStringAsync(Ct);

        Assert.Contains("<div id=\"app\"", page, StringComparison.Ordinal);
        Assert.StartsWith("CustomerHealth speaks gRPC", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInSettingsNameTheWayThePageGetsAToken()
    {
        using var http = Service.CreateClient();

        var settings = await http.GetFromJsonAsync<Dictionary<string, string?>>(
            new Uri("/web/sign-in", UriKind.Relative), Ct);

        Assert.Equal("token", settings!["mode"]); // keys from a file, no identity provider to sign in at
    }

    [Fact]
    public async Task TheDevelopmentTokenGoesOnlyToLoopbackCallersNamingALoopbackHost()
    {
        var folder = Directory.CreateTempSubdirectory("customerhealth-web-dev-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Authentication:Jwt:SigningKeysFile"] = "", ["Authentication:Jwt:Issuer"] = "",
                ["Authentication:Development:Folder"] = folder,
            };
            await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);

            var remote = await TokenRequest(service, IPAddress.Parse("10.1.2.3"), "localhost");
            var rebound = await TokenRequest(service, IPAddress.Loopback, "attacker.example");
            var local = await TokenRequest(service, IPAddress.Loopback, "127.0.0.1:5082");

            Assert.Equal(StatusCodes.Status404NotFound, remote.Response.StatusCode);
            Assert.Equal(StatusCodes.Status404NotFound, rebound.Response.StatusCode);
            Assert.Equal(StatusCodes.Status200OK, local.Response.StatusCode);
            Assert.Equal("no-store", local.Response.Headers.CacheControl.ToString());
            var token = (await System.Text.Json.JsonDocument.ParseAsync(local.Response.Body, cancellationToken: Ct))
                .RootElement.GetProperty("token").GetString();
            using var page = GrpcWebChannel(service, token);
            var info = await new ServiceInfoService.ServiceInfoServiceClient(page)
                .GetServiceInfoAsync(new(), cancellationToken: Ct);
            Assert.Equal(DemoState.Off, info.Demo.State);
            await FailsWith(StatusCode.PermissionDenied, async () =>
                await new AccountService.AccountServiceClient(page)
                    .DeleteAccountAsync(new() { AccountId = "x" }, cancellationToken: Ct));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<HttpContext> TokenRequest(ServiceUnderTest service, IPAddress remote, string host) =>
        service.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/web/development-token";
            context.Request.Host = new HostString(host);
            context.Connection.RemoteIpAddress = remote;
        });

    /// <summary>A gRPC-Web (binary) channel over HTTP/1.1, as a browser's calls arrive.</summary>
    private static GrpcChannel GrpcWebChannel(ServiceUnderTest service, string? token) =>
        GrpcChannel.ForAddress(service.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, service.Server.CreateHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Credentials = token is null ? ChannelCredentials.Insecure : ServiceUnderTest.WithBearer(token),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
}
