using CustomerHealth.Client;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>The client package's DI registration, as a .NET consumer uses it, against the real server.</summary>
public sealed class ClientRegistrationTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    [Fact]
    public async Task TheRegisteredClientTalksToTheService()
    {
        var services = new ServiceCollection();
        services.AddCustomerHealthClient(Service.Server.BaseAddress, o => o.AccessToken = TestCredentials.AllScopes);
        services.Configure<GrpcClientFactoryOptions>(
            nameof(AccountService.AccountServiceClient),
            o => o.ChannelOptionsActions.Add(c => c.HttpHandler = Service.Server.CreateHandler()));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AccountService.AccountServiceClient>();

        var created = await client.UpsertAccountAsync(
            new() { Account = Build.Account("client-1") }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(created.Created);
    }
}
