using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Client;

/// <summary>Registers the CustomerHealth v1 clients with gRPC client factory.</summary>
public static class CustomerHealthClientExtensions
{
    /// <summary>
    /// Adds typed clients for every v1 service at <paramref name="address"/> (for example <c>http://127.0.0.1:5080</c>),
    /// retrying UNAVAILABLE (the server's answer to transient database trouble) with exponential backoff.
    /// Writes are idempotent, so retrying them is safe.
    /// </summary>
    public static IServiceCollection AddCustomerHealthClient(this IServiceCollection services, Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        services.AddGrpcClient<AccountService.AccountServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        services.AddGrpcClient<EngagementService.EngagementServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        services.AddGrpcClient<OnboardingService.OnboardingServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        services.AddGrpcClient<HealthService.HealthServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        services.AddGrpcClient<RenewalService.RenewalServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        services.AddGrpcClient<MetricsService.MetricsServiceClient>(options => options.Address = address)
            .ConfigureChannel(channel => channel.ServiceConfig = RetryingServiceConfig());
        return services;
    }

    /// <summary>
    /// Retries calls answered UNAVAILABLE (the service's answer to a database that is briefly busy or unreachable) up to
    /// three times with exponential backoff. Every write of the API is idempotent, so a retry is always safe.
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
