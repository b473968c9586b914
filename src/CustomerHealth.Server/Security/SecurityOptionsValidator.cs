using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Security;

/// <summary>Checks <c>Authentication:*</c> at start-up; each failure names its key.</summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        var jwt = options.Jwt;
        if (!string.IsNullOrWhiteSpace(jwt.SigningKeysFile) && string.IsNullOrWhiteSpace(jwt.Issuer))
            failures.Add("Authentication:Jwt:Issuer is required with Authentication:Jwt:SigningKeysFile.");
        if (string.IsNullOrWhiteSpace(jwt.Audience))
            failures.Add("Authentication:Jwt:Audience must not be empty.");
        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
            failures.Add("Authentication:Jwt:ClockSkew must be between 0 and 10 minutes.");
        if (jwt.ValidatedTokenCacheSize is < 0 or > 1_000_000)
            failures.Add("Authentication:Jwt:ValidatedTokenCacheSize must be from 0 (off) to 1,000,000.");
        if (jwt.ValidatedTokenCacheMaxAge < TimeSpan.FromSeconds(1)
            || jwt.ValidatedTokenCacheMaxAge > TimeSpan.FromHours(1))
            failures.Add("Authentication:Jwt:ValidatedTokenCacheMaxAge must be between 1 second and 1 hour.");
        var certificate = options.Certificate;
        if (certificate.Enabled)
        {
            if (string.IsNullOrWhiteSpace(certificate.TrustedCaFile))
                failures.Add("Authentication:Certificate:TrustedCaFile must name a PEM file of trusted CAs.");
            if (certificate.Callers.Count == 0)
                failures.Add("Authentication:Certificate:Callers must list at least one caller.");
            for (var i = 0; i < certificate.Callers.Count; i++) failures.AddRange(
                CheckCaller(i, certificate.Callers[i]));
        }
        if (options.AllowUnauthenticated && (jwt.IsConfigured || certificate.Enabled))
            failures.Add(
                "Authentication:AllowUnauthenticated cannot be combined with Jwt or Certificate authentication.");
        if (options.Development.TokenLifetime <= TimeSpan.Zero
            || options.Development.TokenLifetime > TimeSpan.FromDays(365))
            failures.Add("Authentication:Development:TokenLifetime must be between 1 second and 365 days.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> CheckCaller(int index, CertificateCaller caller)
    {
        var key = $"Authentication:Certificate:Callers:{index}";
        if (string.IsNullOrWhiteSpace(caller.Subject) && string.IsNullOrWhiteSpace(caller.DnsName)
            && string.IsNullOrWhiteSpace(caller.Uri))
            yield return $"{key} needs a Subject, DnsName or Uri to match certificates by.";
        if (caller.Scopes.Count == 0)
            yield return $"{key}:Scopes must list at least one scope.";
        foreach (var scope in caller.Scopes.Where(s => !Scopes.All.Contains(s)))
            yield return $"{key}:Scopes: '{scope}' is not a scope of this service ({string.Join(", ", Scopes.All)}).";
    }
}
