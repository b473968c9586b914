using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// The cache of validated tokens (ADR 0076) in the running service: a token answered from it is refused as expired
/// once its <c>exp</c> passes, like any other (no clock skew here, so the instant is exact).
/// </summary>
public sealed class CachedTokenExpiryTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    protected override IReadOnlyDictionary<string, string>? Settings =>
        new Dictionary<string, string> { ["Authentication:Jwt:ClockSkew"] = "00:00:00" };

    [Fact]
    public async Task ATokenAnsweredFromTheCacheIsRefusedOnceItExpires()
    {
        await FailsWith(StatusCode.NotFound, async () => await new AccountService.AccountServiceClient(Service.Channel)
            .GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct)); // the service started
        var expires = DateTime.UtcNow.AddSeconds(8);
        var token = TestCredentials.Token([Scopes.Read], notBefore: DateTime.UtcNow.AddMinutes(-1), expires: expires);
        using var channel = Service.ChannelWith(token);
        var accounts = new AccountService.AccountServiceClient(channel);
        var cache = Service.Services.GetRequiredService<ValidatedTokenCache>();
        var kept = cache.Count;

        for (var i = 0; i < 2; i++) // the second call is answered from the cache
            await FailsWith(StatusCode.NotFound, async () =>
                await accounts.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));
        Assert.Equal(kept + 1, cache.Count);
        await Task.Delay(expires - DateTime.UtcNow + TimeSpan.FromSeconds(1.5), Ct);

        var status = await FailsWith(StatusCode.Unauthenticated, async () =>
            await accounts.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));
        Assert.Equal(GrpcAuthorizationResultHandler.ReasonExpiredCredentials, status.GetDetail<ErrorInfo>()?.Reason);
    }
}
