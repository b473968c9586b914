using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Security;

/// <summary>Token signing keys read from a file: a JWKS document, or PEM public keys and certificates.</summary>
public static class SigningKeys
{
    /// <summary>
    /// Reads every key of <paramref name="path"/>; fails with a message naming the file when it holds none.
    /// </summary>
    public static IReadOnlyList<SecurityKey> Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"Authentication:Jwt:SigningKeysFile: the file '{path}' does not exist.");
        var text = File.ReadAllText(path);
        var keys = text.TrimStart().StartsWith('{') ? FromJwks(text) : FromPem(text);
        if (keys.Count == 0)
            throw new InvalidOperationException(
                $"Authentication:Jwt:SigningKeysFile: '{path}' holds no public key (expected a JWKS document or PEM).");
        return keys;
    }

    private static List<SecurityKey> FromJwks(string json) => [.. new JsonWebKeySet(json).GetSigningKeys()];

    private static List<SecurityKey> FromPem(string text)
    {
        var keys = new List<SecurityKey>();
        var rest = text.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var block = rest[fields.Location].ToString();
            var label = rest[fields.Label].ToString();
            keys.Add(label switch
            {
                "CERTIFICATE" => new X509SecurityKey(X509Certificate2.CreateFromPem(block)),
                "PUBLIC KEY" when IsEc(block) => EcKey(block),
                "PUBLIC KEY" or "RSA PUBLIC KEY" => RsaKey(block),
                "EC PUBLIC KEY" => EcKey(block),
                _ => throw new InvalidOperationException(
                    $"Authentication:Jwt:SigningKeysFile: a '{label}' PEM block is not a public key or certificate."),
            });
            rest = rest[fields.Location.End..];
        }
        return keys;
    }

    private static bool IsEc(string pem)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static ECDsaSecurityKey EcKey(string pem)
    {
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return new ECDsaSecurityKey(ec);
    }

    private static RsaSecurityKey RsaKey(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa);
    }
}
