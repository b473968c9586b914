namespace CustomerHealth.Server.Security;

/// <summary>How callers prove who they are (<c>Authentication:*</c>). See docs/security.md.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Authentication";

    public JwtOptions Jwt { get; set; } = new();

    public CertificateOptions Certificate { get; set; } = new();

    public DevelopmentOptions Development { get; set; } = new();

    /// <summary>
    /// Serve every call without a credential, as a caller holding every scope. Refused unless every listening address
    /// is loopback: for local experiments only.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }

    public bool JwtConfigured => Jwt.IsConfigured;

    /// <summary>
    /// No identity provider, keys or certificates configured: the loopback development credentials apply.
    /// </summary>
    public bool UsesDevelopmentCredentials => !Jwt.IsConfigured && !Certificate.Enabled && !AllowUnauthenticated;
}

/// <summary>JWT bearer tokens (<c>Authentication:Jwt:*</c>), from an identity provider or keys in a file.</summary>
public sealed class JwtOptions
{
    /// <summary>
    /// The identity provider (OpenID Connect discovery at <c>{Authority}/.well-known/openid-configuration</c>).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's address, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// Discovery over plain HTTP is refused unless this is false (a test identity provider on loopback).
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The issuer tokens must name; required with <see cref="SigningKeysFile"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience tokens must name.</summary>
    public string Audience { get; set; } = "customer-health";

    /// <summary>
    /// For installs without an identity provider: a JWKS document or PEM file (public keys or certificates) holding the
    /// keys that sign the tokens.
    /// </summary>
    public string? SigningKeysFile { get; set; }

    /// <summary>Tolerated clock difference between the token's issuer and this server.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many validated tokens are kept so that a caller's next calls skip the signature check (ADR 0076); 0 turns
    /// the cache off.
    /// </summary>
    public int ValidatedTokenCacheSize { get; set; } = 4096;

    /// <summary>
    /// The longest a validated token is answered from the cache before it is validated again (never past its
    /// <c>exp</c>).
    /// </summary>
    public TimeSpan ValidatedTokenCacheMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress)
        || !string.IsNullOrWhiteSpace(SigningKeysFile);
}

/// <summary>Client certificates for service-to-service callers (<c>Authentication:Certificate:*</c>).</summary>
public sealed class CertificateOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM bundle of the certificate authorities whose client certificates are trusted.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>Whether to check revocation lists (needs the CAs' distribution points to be reachable).</summary>
    public bool CheckRevocation { get; set; }

    /// <summary>
    /// Which certificate is which caller, and its scopes. A trusted certificate that matches none is refused.
    /// </summary>
    public List<CertificateCaller> Callers { get; set; } = [];
}

/// <summary>
/// One service-to-service caller: a certificate matches when its subject equals <see cref="Subject"/> (for example
/// <c>CN=crm-sync, O=Example</c>) or one of its subject alternative names equals <see cref="DnsName"/> or <see
/// cref="Uri"/>.
/// </summary>
public sealed class CertificateCaller
{
    public string? Subject { get; set; }

    public string? DnsName { get; set; }

    public string? Uri { get; set; }

    public List<string> Scopes { get; set; } = [];
}

/// <summary>The loopback development credentials (<c>Authentication:Development:*</c>).</summary>
public sealed class DevelopmentOptions
{
    /// <summary>
    /// Where the generated signing key and the printed token are kept (relative to the content root); empty means
    /// <c>dev-auth</c> in the data directory.
    /// </summary>
    public string Folder { get; set; } = "";

    /// <summary>How long the printed token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);
}
