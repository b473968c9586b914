using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CustomerHealth.Server.Security;

/// <summary>The caller must hold <see cref="Scope"/>.</summary>
public sealed class ScopeRequirement(string scope) : IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    /// <summary>The name of the policy that requires <paramref name="scope"/>.</summary>
    public static string PolicyName(string scope) => "scope:" + scope;
}

/// <summary>
/// Grants a <see cref="ScopeRequirement"/> when the caller's <c>scope</c> or <c>scp</c> claims list it.
/// </summary>
public sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (CallerScopes.Of(context.User).Contains(requirement.Scope)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Reads scopes from a principal: OAuth's space-separated <c>scope</c>, or <c>scp</c> (one or many claims).
/// </summary>
public static class CallerScopes
{
    public const string ScopeClaim = "scope";
    public const string ScpClaim = "scp";

    public static HashSet<string> Of(ClaimsPrincipal user) =>
    [
        .. user.Claims
            .Where(c => c.Type is ScopeClaim or ScpClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
    ];
}
