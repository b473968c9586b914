using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;

namespace CustomerHealth.Server.Security;

/// <summary>
/// Applies <see cref="RpcScopes"/> to the mapped gRPC methods and proves at start-up that none was left out.
/// </summary>
public static class RpcAuthorization
{
    /// <summary>The policy of a method missing from <see cref="RpcScopes"/>: it never succeeds.</summary>
    public const string UndeclaredPolicy = "undeclared-rpc";

    /// <summary>
    /// Each gRPC method of <paramref name="builder"/> requires its declared scope (health probes: none).
    /// </summary>
    public static TBuilder RequireDeclaredScopes<TBuilder>(this TBuilder builder) where TBuilder
        : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault() is not { } grpc) return;
            if (!RpcScopes.TryGet(grpc.Method.FullName, out var scope))
                endpoint.Metadata.Add(new AuthorizeAttribute(UndeclaredPolicy));
            else if (scope == RpcScopes.Public)
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
            else
                endpoint.Metadata.Add(new AuthorizeAttribute(ScopeRequirement.PolicyName(scope)));
        });
        return builder;
    }

    /// <summary>Stops start-up when a mapped gRPC method has no entry in <see cref="RpcScopes"/>.</summary>
    public static void VerifyEveryRpcDeclared(IEndpointRouteBuilder endpoints)
    {
        var undeclared = endpoints.DataSources.SelectMany(source => source.Endpoints)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>())
            .OfType<GrpcMethodMetadata>()
            .Where(m => !IsUnimplementedFallback(m) && !RpcScopes.TryGet(m.Method.FullName, out _))
            .Select(m => m.Method.FullName)
            .Distinct()
            .ToList();
        if (undeclared.Count > 0)
            throw new InvalidOperationException(
                "These RPCs declare no scope in RpcScopes and would not serve: " + string.Join(", ", undeclared));
    }

    // grpc-dotnet answers unknown methods of a mapped service with UNIMPLEMENTED through catch-all endpoints.
    private static bool IsUnimplementedFallback(GrpcMethodMetadata metadata) =>
        metadata.Method.Name.StartsWith('{') || metadata.Method.ServiceName.StartsWith('{');
}
