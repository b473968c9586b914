using System.Net;
using CustomerHealth.Server.Security;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Web;

/// <summary>
/// How the dashboard gets its bearer token: <c>/web/sign-in</c> says which way applies, and in development mode
/// (no identity provider, loopback only) <c>/web/development-token</c> hands the page a short-lived token.
/// </summary>
public static class SignInSettings
{
    /// <summary>How long a token handed to the page lasts; the page asks again when it expires.</summary>
    public static readonly TimeSpan PageTokenLifetime = TimeSpan.FromHours(8);

    /// <summary>What the page may do with the development token: read, and set or clear overrides.</summary>
    public static readonly string[] PageScopes = [Scopes.Read, Scopes.CsmWrite];

    public const string PageSubject = "dashboard-developer";

    /// <summary>
    /// <c>development</c> (fetch /web/development-token), <c>oidc</c> (code with PKCE at the authority),
    /// <c>unauthenticated</c> (no token needed) or <c>token</c> (the person pastes a bearer token).
    /// </summary>
    public static IResult Get(IOptions<WebOptions> web, IOptions<SecurityOptions> security)
    {
        var signIn = web.Value.SignIn;
        var mode = security.Value.AllowUnauthenticated ? "unauthenticated"
            : security.Value.UsesDevelopmentCredentials ? "development"
            : signIn.IsConfigured ? "oidc"
            : "token";
        return Results.Json(new SignInResponse(mode, signIn.Authority, signIn.ClientId, signIn.Scope));
    }

    /// <summary>
    /// A token for the page, only in development mode, only to a caller on loopback that names a loopback host (so a
    /// page of another site that rebinds its name to 127.0.0.1 gets nothing). 404 otherwise.
    /// </summary>
    public static IResult DevelopmentToken(HttpContext context)
    {
        var credentials = context.RequestServices.GetService<DevelopmentCredentials>();
        if (credentials is null || !IsLoopback(context)) return Results.NotFound();
        context.Response.Headers.CacheControl = "no-store";
        var token = credentials.Mint(PageSubject, PageScopes, PageTokenLifetime);
        return Results.Json(new DevelopmentTokenResponse(token, (int)PageTokenLifetime.TotalSeconds));
    }

    private static bool IsLoopback(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote)) return false;
        var host = context.Request.Host.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private sealed record SignInResponse(string Mode, string? Authority, string? ClientId, string Scope);

    private sealed record DevelopmentTokenResponse(string Token, int ExpiresIn);
}
