using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Security;

/// <summary>
/// The loopback development path: with no identity provider, keys or certificates configured and only loopback
/// addresses to listen on, the server makes its own signing key (kept in <c>Authentication:Development:Folder</c>),
/// accepts the tokens it signs, and prints one with every scope at start-up. Authentication is still enforced.
/// </summary>
public sealed class DevelopmentCredentials
{
    public const string Issuer = "customerhealth-development";
    public const string KeyFileName = "signing-key.pem";
    public const string TokenFileName = "token";

    private readonly ECDsa _key;
    private readonly string _audience;
    private readonly TimeProvider _clock;

    private DevelopmentCredentials(ECDsa key, string folder, string audience, TimeProvider clock)
    {
        _key = key;
        Folder = folder;
        _audience = audience;
        _clock = clock;
        SigningKey = new ECDsaSecurityKey(key) { KeyId = KeyIdOf(key) };
    }

    public string Folder { get; }

    public string TokenFile => Path.Combine(Folder, TokenFileName);

    public SecurityKey SigningKey { get; }

    /// <summary>Reads the folder's key, or makes one (readable by this user only) on first use.</summary>
    public static DevelopmentCredentials LoadOrCreate(string folder, string audience, TimeProvider clock)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, KeyFileName);
        var key = ECDsa.Create();
        if (File.Exists(keyFile))
        {
            key.ImportFromPem(File.ReadAllText(keyFile));
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            WritePrivate(keyFile, key.ExportPkcs8PrivateKeyPem());
        }
        return new DevelopmentCredentials(key, folder, audience, clock);
    }

    /// <summary>
    /// A token for <paramref name="subject"/> with <paramref name="scopes"/>, signed by the development key.
    /// </summary>
    public string Mint(string subject, IEnumerable<string> scopes, TimeSpan lifetime)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = _audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", string.Join(' ', scopes))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Mints the all-scope token a developer uses and writes it to <see cref="TokenFile"/>.</summary>
    public string WriteDeveloperToken(TimeSpan lifetime)
    {
        var token = Mint("developer", Scopes.All, lifetime);
        WritePrivate(TokenFile, token + "\n");
        return token;
    }

    private static string KeyIdOf(ECDsa key) =>
        Base64UrlEncoder.Encode(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
