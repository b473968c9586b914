using System.Security.Claims;
using System.Security.Cryptography;
using CustomerHealth.Server.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// The test suite's identity provider: one signing key per test run, its public half in a PEM file the servers under
/// test are configured with (<c>Authentication:Jwt:SigningKeysFile</c>), and tokens minted for chosen scopes. Tokens
/// are valid from 2000 to 2100, so they hold whatever instant a test's clock shows.
/// </summary>
public static class TestCredentials
{
    public const string Issuer = "https://identity.test.customerhealth.example";
    public const string Audience = "customer-health";
    public const string Subject = "test-caller";

    private static readonly DateTime ValidFrom = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime ValidUntil = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly Lazy<string> PublicKeyFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"customerhealth-test-keys-{Environment.ProcessId}.pem");
        File.WriteAllText(path, Key.ExportSubjectPublicKeyInfoPem());
        return path;
    });

    /// <summary>The configuration that makes a server trust this suite's tokens.</summary>
    public static IReadOnlyDictionary<string, string> ServerSettings => new Dictionary<string, string>
    {
        ["Authentication:Jwt:Issuer"] = Issuer,
        ["Authentication:Jwt:Audience"] = Audience,
        ["Authentication:Jwt:SigningKeysFile"] = PublicKeyFile.Value,
    };

    /// <summary>A token with every scope of the service.</summary>
    public static string AllScopes { get; } = Token(Scopes.All);

    public static string Token(
        IEnumerable<string> scopes, string subject = Subject, string issuer = Issuer, string audience = Audience,
        DateTime? notBefore = null, DateTime? expires = null, ECDsa? key = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", string.Join(' ', scopes))]),
            IssuedAt = notBefore ?? ValidFrom,
            NotBefore = notBefore ?? ValidFrom,
            Expires = expires ?? ValidUntil,
            SigningCredentials = new SigningCredentials(
                new ECDsaSecurityKey(key ?? Key), SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
