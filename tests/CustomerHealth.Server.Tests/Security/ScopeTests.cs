using System.Text;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>Who may call what: every RPC against its declared scope, through real gRPC calls.</summary>
public sealed class ScopeTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    [Fact]
    public void EveryRpcOfTheContractDeclaresAKnownScope()
    {
        var missing = Rpcs.All.Select(Rpcs.PathOf).Where(path => !RpcScopes.ByMethod.ContainsKey(path)).ToList();

        Assert.Empty(missing);
        Assert.All(Rpcs.All, rpc => Assert.Contains(RpcScopes.ByMethod[Rpcs.PathOf(rpc)], Scopes.All));
    }

    [Theory]
    [MemberData(nameof(Rpcs.Names), MemberType = typeof(Rpcs))]
    public async Task EachRpcRefusesCallersWithoutItsScopeAndServesThoseWithIt(string name)
    {
        var rpc = Rpcs.Find(name);
        var scope = RpcScopes.ByMethod[Rpcs.PathOf(rpc)];

        using var anonymous = Service.ChannelWith(token: null);
        var unauthenticated = await Rpcs.CallAsync(anonymous.CreateCallInvoker(), rpc, Ct);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated?.StatusCode);
        Assert.Equal(
            GrpcAuthorizationResultHandler.ReasonMissingCredentials,
            unauthenticated!.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);

        using var otherScopes = Service.ChannelWith(TestCredentials.Token(Scopes.All.Where(s => s != scope)));
        var denied = await Rpcs.CallAsync(otherScopes.CreateCallInvoker(), rpc, Ct);
        Assert.Equal(StatusCode.PermissionDenied, denied?.StatusCode);
        var info = denied!.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal(GrpcAuthorizationResultHandler.ReasonMissingScope, info?.Reason);
        Assert.Equal(scope, info?.Metadata["required_scope"]);

        using var onlyItsScope = Service.ChannelWith(TestCredentials.Token([scope]));
        var served = await Rpcs.CallAsync(onlyItsScope.CreateCallInvoker(), rpc, Ct);
        Assert.NotEqual(StatusCode.Unauthenticated, served?.StatusCode ?? StatusCode.OK);
        Assert.NotEqual(StatusCode.PermissionDenied, served?.StatusCode ?? StatusCode.OK);
        Assert.NotEqual(StatusCode.Internal, served?.StatusCode ?? StatusCode.OK);
        Assert.NotEqual(StatusCode.Unknown, served?.StatusCode ?? StatusCode.OK);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired",
            TestCredentials.Token(
                [Scopes.Read], notBefore: new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                expires: new DateTime(2001, 1, 2, 0, 0, 0, DateTimeKind.Utc)) },
        { "not yet valid",
            TestCredentials.Token([Scopes.Read], notBefore: new DateTime(2099, 1, 1, 0, 0, 0, DateTimeKind.Utc)) },
        { "wrong audience", TestCredentials.Token([Scopes.Read], audience: "another-service") },
        { "wrong issuer", TestCredentials.Token([Scopes.Read], issuer: "https://evil.example") },
        { "signed by another key",
            TestCredentials.Token(
                [Scopes.Read],
                key: System.Security.Cryptography.ECDsa.Create(
                    System.Security.Cryptography.ECCurve.NamedCurves.nistP256)) },
        { "unsigned (alg none)", Unsigned(TestCredentials.Token([Scopes.Read])) },
        { "tampered scope", Tampered(TestCredentials.Token([Scopes.Read])) },
        { "not a token", "not-a-token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ABadTokenIsUnauthenticated(string why, string token)
    {
        using var channel = Service.ChannelWith(token);
        var client = new AccountService.AccountServiceClient(channel);

        var status = await FailsWith(
            StatusCode.Unauthenticated,
            async () => await client.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));

        Assert.NotNull(status.GetDetail<ErrorInfo>());
        Assert.NotEmpty(why);
    }

    [Fact]
    public async Task AnExpiredTokenIsNamedAsSuch()
    {
        var expired = TestCredentials.Token(
            [Scopes.Read], notBefore: new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            expires: new DateTime(2001, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        using var channel = Service.ChannelWith(expired);

        var status = await FailsWith(
            StatusCode.Unauthenticated, async () => await new AccountService.AccountServiceClient(channel)
            .GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct));

        Assert.Equal(GrpcAuthorizationResultHandler.ReasonExpiredCredentials, status.GetDetail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task HealthProbesNeedNoCredential()
    {
        using var channel = Service.ChannelWith(token: null);

        var reply = await new global::Grpc.Health.V1.Health.HealthClient(channel)
            .CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest(), cancellationToken: Ct);

        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task ReflectionNeedsTheReadScope()
    {
        var method = new Method<byte[],
            byte[]>(MethodType.DuplexStreaming, "grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        using var writer = Service.ChannelWith(TestCredentials.Token([Scopes.CrmWrite]));
        using var call = writer.CreateCallInvoker()
            .AsyncDuplexStreamingCall(method, null, new CallOptions(cancellationToken: Ct));
        await call.RequestStream.CompleteAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        return $"{header}.{parts[1]}.";
    }

    private static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1])
            .Replace(Scopes.Read, string.Join(' ', Scopes.All), StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }
}
