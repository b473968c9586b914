using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace CustomerHealth.Server.Security;

/// <summary>
/// Turns a client certificate that chains to a trusted CA into a caller: its configured entry in
/// <c>Authentication:Certificate:Callers</c> (by subject, DNS or URI name) gives its scopes; no entry, no access.
/// </summary>
public sealed class CertificateCallers(IReadOnlyList<CertificateCaller> callers)
{
    public Task OnValidatedAsync(CertificateValidatedContext context)
    {
        var certificate = context.ClientCertificate;
        var caller = callers.FirstOrDefault(c => Matches(c, certificate));
        if (caller is null)
        {
            context.Fail("The client certificate is trusted but belongs to no configured caller.");
            return Task.CompletedTask;
        }
        var claims = new List<Claim>
        {
            new("sub", certificate.Subject),
            new(ClaimTypes.Name, certificate.Subject),
            new(CallerScopes.ScopeClaim, string.Join(' ', caller.Scopes)),
        };
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name, ClaimTypes.Name, null));
        context.Success();
        return Task.CompletedTask;
    }

    private static bool Matches(CertificateCaller caller, X509Certificate2 certificate)
    {
        if (caller.Subject is { Length: > 0 } subject
            && string.Equals(Normalise(subject), Normalise(certificate.Subject), StringComparison.Ordinal))
            return true;
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (names is null) return false;
        if (caller.DnsName is { Length: > 0 } dns
            && names.EnumerateDnsNames().Any(n => string.Equals(n, dns, StringComparison.OrdinalIgnoreCase)))
            return true;
        return caller.Uri is { Length: > 0 } uri && UriNames(certificate).Contains(uri, StringComparer.Ordinal);
    }

    /// <summary>"CN=a, O=b" and "CN=a,O=b" name the same subject.</summary>
    private static string Normalise(string distinguishedName) =>
        new X500DistinguishedName(distinguishedName).Format(false);

    private static IEnumerable<string> UriNames(X509Certificate2 certificate)
    {
        // .NET reads DNS names and IP addresses of the SAN extension, not URIs: decode the GeneralNames here.
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null) yield break;
        var reader = new System.Formats.Asn1.AsnReader(extension.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag == uriTag) yield return sequence.ReadCharacterString(
                System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag);
            else sequence.ReadEncodedValue();
        }
    }
}
