using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Security;

/// <summary>
/// <c>Authentication:AllowUnauthenticated</c>: every caller is "unauthenticated-loopback" with every scope. Registered
/// only when that setting is on, which the server refuses on a non-loopback address.
/// </summary>
public sealed class UnauthenticatedLoopbackHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "UnauthenticatedLoopback";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", "unauthenticated-loopback"),
                new Claim(ClaimTypes.Name, "unauthenticated-loopback"),
                new Claim(CallerScopes.ScopeClaim, string.Join(' ', Scopes.All)),
            ],
            SchemeName);
        return Task.FromResult(
            AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
