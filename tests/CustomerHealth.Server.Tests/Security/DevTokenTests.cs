using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// The lab's <c>dev-token</c>: a token of the development key with the scopes asked for, and no more.
/// </summary>
public sealed class DevTokenTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    [Fact]
    public async Task ADevTokenCarriesTheScopesAskedForAndNoOthers()
    {
        var folder = Directory.CreateTempSubdirectory("customerhealth-dev-token-").FullName;
        try
        {
            var keys = Path.Combine(folder, "dev-auth");
            var run = await DotnetProcess.RunAsync("CustomerHealth.Lab.dll", folder,
                "dev-token", "--subject", "alice@example.com", "--scope", Scopes.Read,
                $"--Authentication:Development:Folder={keys}");
            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            var token = run.Output.Trim();

            var settings = new Dictionary<string, string>
            {
                ["Authentication:Jwt:SigningKeysFile"] = "",
                ["Authentication:Jwt:Issuer"] = "",
                ["Authentication:Development:Folder"] = keys,
            };
            await using var service = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: settings);
            using var alice = service.ChannelWith(token);
            var accounts = new AccountService.AccountServiceClient(alice);

            await FailsWith(StatusCode.NotFound, async () =>
                await accounts.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));
            var denied = await FailsWith(StatusCode.PermissionDenied, async () =>
                await accounts.UpsertAccountAsync(new() { Account = Build.Account("acme") }, cancellationToken: Ct));
            Assert.Equal(Scopes.CrmWrite, denied.GetDetail<ErrorInfo>()?.Metadata["required_scope"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnknownScopeIsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("customerhealth-dev-token-").FullName;
        try
        {
            var run = await DotnetProcess.RunAsync(
                "CustomerHealth.Lab.dll", folder, "dev-token", "--scope", "everything");

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("--scope everything is not a scope", run.Error, StringComparison.Ordinal);
            Assert.Empty(run.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
