using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Client;

/// <summary>Registers the CustomerHealth v1 clients with gRPC client factory.</summary>
public static class CustomerHealthClientExtensions
{
    /// <summary>
    /// Adds typed clients for every v1 service at <paramref name="address"/> (for example
    /// <c>https://health.internal</c>, or <c>http://127.0.0.1:5080</c> on a developer's machine), authenticating as
    /// <paramref name="configure"/> says, and retrying UNAVAILABLE (the server's answer to transient database trouble)
    /// with exponential backoff.
    /// Writes are idempotent, so retrying them is safe.
    /// </summary>
    public static IServiceCollection AddCustomerHealthClient(
        this IServiceCollection services, Uri address, Action<CustomerHealthClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = new CustomerHealthClientOptions();
        configure?.Invoke(options);
        var plaintext = address.Scheme == Uri.UriSchemeHttp;
        var sendsTokens = options.AccessToken is not null || options.AccessTokenProvider is not null;
        if (plaintext && sendsTokens && !(options.AllowTokensOverPlaintextLoopback && IsLoopback(address)))
            throw new ArgumentException(
                $"Bearer tokens are only sent over https, or plaintext to a loopback address ({address}).");
        Add<AccountService.AccountServiceClient>(services, address, options);
        Add<EngagementService.EngagementServiceClient>(services, address, options);
        Add<OnboardingService.OnboardingServiceClient>(services, address, options);
        Add<HealthService.HealthServiceClient>(services, address, options);
        Add<RenewalService.RenewalServiceClient>(services, address, options);
        Add<MetricsService.MetricsServiceClient>(services, address, options);
        Add<AuditService.AuditServiceClient>(services, address, options);
        Add<CurrencyService.CurrencyServiceClient>(services, address, options);
        Add<WebhookService.WebhookServiceClient>(services, address, options);
        Add<PlayService.PlayServiceClient>(services, address, options);
        return services;
    }

    private static void Add<TClient>(IServiceCollection services, Uri address, CustomerHealthClientOptions options)
        where TClient : class
    {
        var builder = services.AddGrpcClient<TClient>(o => o.Address = address)
            .ConfigureChannel(channel =>
            {
                channel.ServiceConfig = RetryingServiceConfig();
                channel.UnsafeUseInsecureChannelCallCredentials = address.Scheme == Uri.UriSchemeHttp;
            });
        if (options.ClientCertificate is not null || options.ServerCertificateAuthorities is not null)
            builder.ConfigurePrimaryHttpMessageHandler(() => TlsHandler(options));
        if (options.AccessTokenProvider is { } provider)
            builder.AddCallCredentials(async (context, metadata, sp) =>
                metadata.Add("Authorization", "Bearer " + await provider(sp, context.CancellationToken)));
        else if (options.AccessToken is { } token)
            builder.AddCallCredentials((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
    }

    private static SocketsHttpHandler TlsHandler(CustomerHealthClientOptions options)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (options.ClientCertificate is { } certificate) handler.SslOptions.ClientCertificates = [certificate];
        if (options.ServerCertificateAuthorities is { } authorities)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                TrustedBy(authorities, cert as X509Certificate2, errors);
        return handler;
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> is valid for the host and chains to one of <paramref name="roots"/>.
    /// </summary>
    public static bool TrustedBy(
        X509Certificate2Collection roots, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>
    /// Channel credentials that send <paramref name="token"/> as a bearer token with every call, over TLS when
    /// <paramref name="tls"/>; in plaintext the channel also needs <c>UnsafeUseInsecureChannelCallCredentials</c>,
    /// which only a loopback address justifies.
    /// </summary>
    public static ChannelCredentials BearerCredentials(string token, bool tls) => ChannelCredentials.Create(
        tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
        CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }));

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// Retries calls answered UNAVAILABLE (the service's answer to a database that is briefly busy or unreachable) up
    /// to three times with exponential backoff. Every write of the API is idempotent, so a retry is always safe.
    /// </summary>
    public static ServiceConfig RetryingServiceConfig() => new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 4,
                    InitialBackoff = TimeSpan.FromMilliseconds(200),
                    MaxBackoff = TimeSpan.FromSeconds(3),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };
}
