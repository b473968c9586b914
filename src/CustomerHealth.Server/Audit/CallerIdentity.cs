using System.Security.Claims;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Server.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace CustomerHealth.Server.Audit;

/// <summary>
/// Who is calling, for the audit trail: the identity authentication established (a token's subject, a certificate's
/// subject), and the person a service says it acts for — the <c>customerhealth-on-behalf-of</c> header, or a request's
/// legacy <c>updated_by</c>-style field. The latter is recorded beside the caller, never instead of it.
/// </summary>
public static class CallerIdentity
{
    /// <summary>The metadata key a service sets to name the person it acts for.</summary>
    public const string OnBehalfOfHeader = "customerhealth-on-behalf-of";

    /// <summary>
    /// The caller of this call. <paramref name="onBehalfOfField"/> is the request's own field of that meaning, already
    /// checked; the header is checked here (INVALID_ARGUMENT when too long).
    /// </summary>
    public static Caller Caller(this ServerCallContext context, string? onBehalfOfField = null)
    {
        var header = context.RequestHeaders.GetValue(OnBehalfOfHeader);
        new Violations().Text(OnBehalfOfHeader, header, Infrastructure.Audit.Caller.MaxLength).ThrowIfAny();
        var user = context.GetHttpContext().User;
        var (identity, kind) = Of(user);
        return new Caller(identity, kind, OnBehalfOf.Of(header) ?? onBehalfOfField, context.Method.TrimStart('/'));
    }

    /// <summary>The name and kind of an authenticated principal (every served call has one: see RpcScopes).</summary>
    public static (string Identity, CallerKind Kind) Of(ClaimsPrincipal user)
    {
        var identity = user.Identity;
        var name = identity?.Name;
        if (identity is not { IsAuthenticated: true } || string.IsNullOrWhiteSpace(name))
            throw new InvalidOperationException(
                "An audited call must be authenticated; RpcScopes declares a scope for every audited RPC."
            );
        var kind = identity.AuthenticationType switch
        {
            CertificateAuthenticationDefaults.AuthenticationScheme => CallerKind.Certificate,
            UnauthenticatedLoopbackHandler.SchemeName => CallerKind.UnauthenticatedLoopback,
            _ => CallerKind.Token,
        };
        return (name, kind);
    }
}

/// <summary>Reads an optional on-behalf-of value: trimmed, or null when blank.</summary>
public static class OnBehalfOf
{
    public static string? Of(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
