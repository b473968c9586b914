using CustomerHealth.Server.Grpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Security;

/// <summary>
/// Answers a refused gRPC call as gRPC does: UNAUTHENTICATED when the credential is missing or invalid,
/// PERMISSION_DENIED with an <c>ErrorInfo</c> naming the missing scope otherwise, each as a trailers-only response
/// sent before the request body is read. Other requests get ASP.NET Core's usual 401 / 403.
/// </summary>
public sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public const string ReasonMissingCredentials = "CREDENTIALS_MISSING";
    public const string ReasonInvalidCredentials = "CREDENTIALS_INVALID";
    public const string ReasonExpiredCredentials = "CREDENTIALS_EXPIRED";
    public const string ReasonMissingScope = "SCOPE_MISSING";

    /// <summary>
    /// Where the authentication handlers leave why a credential failed (<see cref="RememberFailure"/>).
    /// </summary>
    public static readonly object FailureKey = new();

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <summary>Keeps an authentication failure for the answer (ASP.NET Core keeps only successes).</summary>
    public static void RememberFailure(HttpContext context, Exception failure) => context.Items[FailureKey] = failure;

    public Task HandleAsync(
        RequestDelegate next, HttpContext context, AuthorizationPolicy policy,
            PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !TrailersOnlyResponse.IsGrpc(context.Request)) return _default.HandleAsync(
            next, context, policy, authorizeResult);
        return authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true
            ? TrailersOnlyResponse.WriteAsync(context, Forbidden(authorizeResult))
            : TrailersOnlyResponse.WriteAsync(context, Unauthenticated(context));
    }

    private static Google.Rpc.Status Unauthenticated(HttpContext context)
    {
        var failure = context.Items[FailureKey] as Exception;
        var (reason, message) = failure switch
        {
            null when !context.Request.Headers.Authorization.Any() && context.Connection.ClientCertificate is null =>
                (ReasonMissingCredentials, "This call needs a credential: a bearer token or a client certificate."),
            SecurityTokenExpiredException => (ReasonExpiredCredentials, "The bearer token has expired."),
            _ => (ReasonInvalidCredentials, "The credential was not accepted."),
        };
        return Status(
            Code.Unauthenticated, message,
            new ErrorInfo { Reason = reason, Domain = ErrorMappingInterceptor.ErrorDomain });
    }

    private static Google.Rpc.Status Forbidden(PolicyAuthorizationResult result)
    {
        var missing = result.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().Select(r => r.Scope)
            .ToList() ?? [];
        var scopes = string.Join(' ', missing);
        var info = new ErrorInfo { Reason = ReasonMissingScope, Domain = ErrorMappingInterceptor.ErrorDomain };
        info.Metadata["required_scope"] = scopes;
        return Status(Code.PermissionDenied, $"This call needs the scope '{scopes}'.", info);
    }

    private static Google.Rpc.Status Status(Code code, string message, IMessage detail)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(detail));
        return status;
    }
}
