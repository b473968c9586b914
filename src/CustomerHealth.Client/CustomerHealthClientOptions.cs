using System.Security.Cryptography.X509Certificates;

namespace CustomerHealth.Client;

/// <summary>
/// How the clients authenticate: a bearer token (fixed or from a provider), a client certificate, or both.
/// </summary>
public sealed class CustomerHealthClientOptions
{
    /// <summary>A fixed bearer token, for example the one the server prints in loopback development mode.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Gets a bearer token before each call (from an identity provider's client-credentials flow, a cache, ...);
    /// takes precedence over <see cref="AccessToken"/>.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>A client certificate (with its private key) for mutual TLS; needs an <c>https</c> address.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Trust for the server's certificate when it is not issued by a CA of the operating system (a private CA);
    /// null uses the system's trust.
    /// </summary>
    public X509Certificate2Collection? ServerCertificateAuthorities { get; set; }

    /// <summary>
    /// Lets tokens travel over plaintext HTTP/2 (<c>http://</c>). Only for loopback addresses, where nothing else can
    /// read them; the registration refuses it for other hosts.
    /// </summary>
    public bool AllowTokensOverPlaintextLoopback { get; set; } = true;
}
