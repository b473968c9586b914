using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>What the server does at start-up about authentication: the development path, and its refusals.</summary>
public sealed class StartupTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private static readonly Dictionary<string, string> NoAuthentication = new()
    {
        ["Authentication:Jwt:SigningKeysFile"] = "",
        ["Authentication:Jwt:Issuer"] = "",
    };

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://10.1.2.3:5080")]
    [InlineData("http://health.example.com:5080")]
    public async Task TheServerRefusesToServeUnauthenticatedOnANonLoopbackAddress(string url)
    {
        var settings = new Dictionary<string, string>(NoAuthentication)
        {
            ["Authentication:AllowUnauthenticated"] = "true",
            ["Kestrel:Endpoints:Grpc:Url"] = url,
        };
        await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => service.Server);

        Assert.Contains("Refusing to listen on " + url, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutConfiguredAuthenticationTheServerRefusesANonLoopbackAddress()
    {
        var settings = new Dictionary<string, string>(
            NoAuthentication)
        { ["Kestrel:Endpoints:Grpc:Url"] = "http://0.0.0.0:5080" };
        await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => service.Server);

        Assert.Contains("no authentication is configured", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowingUnauthenticatedCallsOnLoopbackServesWithoutACredential()
    {
        var settings = new Dictionary<string, string>(
            NoAuthentication)
        { ["Authentication:AllowUnauthenticated"] = "true" };
        await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);
        using var anonymous = service.ChannelWith(token: null);

        await FailsWith(StatusCode.NotFound, async () =>
            await new AccountService.AccountServiceClient(anonymous)
                .GetAccountAsync(new() { AccountId = "nobody" }, cancellationToken: Ct));
    }

    [Fact]
    public async Task OnLoopbackWithoutConfigurationTheDemoServesTheTokenItPrints()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"customerhealth-dev-auth-{Guid.NewGuid():N}");
        try
        {
            var settings = new Dictionary<string, string>(NoAuthentication)
            {
                ["Authentication:Development:Folder"] = folder,
                ["Demo:Enabled"] = "true",
                ["Demo:Accounts"] = "3",
                ["Demo:ActivityDays"] = "7",
                ["Demo:TruthFolder"] = Path.Combine(folder, "truth"),
            };
            await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);
            await DemoFinished(service);

            var token = (await File.ReadAllTextAsync(Path.Combine(folder, DevelopmentCredentials.TokenFileName), Ct))
                .Trim();
            using var developer = service.ChannelWith(token);
            var accounts = await new AccountService.AccountServiceClient(developer)
                .ListAccountsAsync(new() { PageSize = 10 }, cancellationToken: Ct);
            Assert.Equal(3, accounts.TotalSize);

            using var anonymous = service.ChannelWith(token: null);
            await FailsWith(StatusCode.Unauthenticated, async () =>
                await new AccountService.AccountServiceClient(anonymous)
                    .ListAccountsAsync(new(), cancellationToken: Ct));
            using var testSuite = service.ChannelWith(TestCredentials.AllScopes);
            await FailsWith(StatusCode.Unauthenticated, async () =>
                await new AccountService.AccountServiceClient(testSuite)
                    .ListAccountsAsync(new(), cancellationToken: Ct));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(
                    UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    File.GetUnixFileMode(Path.Combine(folder, DevelopmentCredentials.KeyFileName)));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task DemoFinished(ServiceUnderTest service)
    {
        _ = service.Server;
        var demo = service.Services.GetServices<IHostedService>().OfType<DemoPortfolioService>().Single();
        while (demo.ExecuteTask is null) await Task.Delay(10, Ct);
        await demo.ExecuteTask.WaitAsync(TimeSpan.FromMinutes(2), Ct);
    }
}
