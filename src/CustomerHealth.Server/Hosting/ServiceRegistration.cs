using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Metrics;
using CustomerHealth.Server.Onboarding;
using CustomerHealth.Server.Renewals;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Grpc;

namespace CustomerHealth.Server.Hosting;

/// <summary>The service's building blocks, each registered by one call from Program.cs.</summary>
public static class ServiceRegistration
{
    /// <summary>The database provider and connection from configuration (<c>Database:*</c>, <c>ConnectionStrings:CustomerHealth</c>).</summary>
    public static WebApplicationBuilder AddCustomerHealthPersistence(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCustomerHealthPersistence(options, connectionString);
        return builder;
    }

    /// <summary>
    /// Engagement settings (<c>Engagement:*</c>): raw-event retention and its purge job; the writers that store queued
    /// usage events (group commit, see <see cref="EventIngestionQueue"/>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthEngagement(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EngagementOptions.Section).Get<EngagementOptions>() ?? new EngagementOptions();
        if (options.Explain() is { } problem) throw new InvalidOperationException($"Invalid configuration: {problem}.");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new EventRules(options.RawEventRetentionDays));
        builder.Services.AddHostedService<EventWriterService>();
        builder.Services.AddHostedService<RetentionPurgeService>();
        return builder;
    }

    /// <summary>Onboarding settings (<c>Onboarding:*</c>) and the worker that completes automatic milestones.</summary>
    public static WebApplicationBuilder AddCustomerHealthOnboarding(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(OnboardingOptions.Section).Get<OnboardingOptions>() ?? new OnboardingOptions();
        if (options.EvaluationInterval < TimeSpan.FromMilliseconds(10) || options.BatchSize < 1)
            throw new InvalidOperationException("Invalid configuration: Onboarding:EvaluationInterval must be at least 10 ms and Onboarding:BatchSize at least 1.");
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<OnboardingWorker>();
        return builder;
    }

    /// <summary>Health settings (<c>Health:*</c>) and the worker that recomputes scores marked dirty, plus the daily pass.</summary>
    public static WebApplicationBuilder AddCustomerHealthScoring(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HealthOptions.Section).Get<HealthOptions>() ?? new HealthOptions();
        if (options.Explain() is { } problem) throw new InvalidOperationException($"Invalid configuration: {problem}.");
        builder.Services.AddSingleton(options);
        builder.Services.Replace(ServiceDescriptor.Singleton(new HealthReadCache(options.ReadCacheTtl)));
        builder.Services.AddHostedService<HealthWorker>();
        return builder;
    }

    /// <summary>
    /// Renewal prediction settings (<c>Renewals:*</c>), the worker that keeps predictions fresh and the one that trains by
    /// itself when enough new outcomes arrived (<c>Renewals:AutoTrain</c>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthRenewals(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RenewalOptions.Section).Get<RenewalOptions>() ?? new RenewalOptions();
        if (options.Explain() is { } problem) throw new InvalidOperationException($"Invalid configuration: {problem}.");
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<RenewalWorker>();
        if (options.AutoTrain) builder.Services.AddHostedService<RenewalTrainingWorker>();
        return builder;
    }

    /// <summary>gRPC with the error-mapping interceptor, the grpc.health.v1 service backed by a database check, and reflection.</summary>
    public static WebApplicationBuilder AddCustomerHealthGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.TryAddTransient(typeof(Lazy<>), typeof(ResolvedOnFirstUse<>)); // see HealthGrpcService
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", timeout: TimeSpan.FromSeconds(5));
        builder.Services.AddGrpcHealthChecks(options =>
        {
            // Every service depends on the database, so each one's status is the database's.
            options.Services.Map(AccountGrpcService.ServiceName, _ => true);
            options.Services.Map(EngagementGrpcService.ServiceName, _ => true);
            options.Services.Map(OnboardingGrpcService.ServiceName, _ => true);
            options.Services.Map(HealthGrpcService.ServiceName, _ => true);
            options.Services.Map(MetricsGrpcService.ServiceName, _ => true);
            options.Services.Map(RenewalGrpcService.ServiceName, _ => true);
        });
        return builder;
    }

    /// <summary>
    /// The loopback channel (the demo and the generate command write through the server's own API) and, with <c>--demo</c> or
    /// <c>Demo:Enabled</c>, the service that fills an empty database with a demo portfolio (<c>Demo:*</c>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthDemo(this WebApplicationBuilder builder, bool demoSwitch)
    {
        var options = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new DemoOptions();
        options.Enabled |= demoSwitch;
        if (options.Accounts is < 1 or > 100_000 || options.ActivityDays is < 1 or > Synthetic.PortfolioOptions.MaxActivityDays)
            throw new InvalidOperationException($"Invalid configuration: Demo:Accounts must be 1 to 100,000 and Demo:ActivityDays 1 to {Synthetic.PortfolioOptions.MaxActivityDays}.");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new LoopbackChannel(sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()));
        if (options.Enabled) builder.Services.AddHostedService<DemoPortfolioService>();
        return builder;
    }

    public static WebApplication MapCustomerHealthGrpc(this WebApplication app)
    {
        app.MapGrpcService<AccountGrpcService>();
        app.MapGrpcService<EngagementGrpcService>();
        app.MapGrpcService<OnboardingGrpcService>();
        app.MapGrpcService<HealthGrpcService>();
        app.MapGrpcService<MetricsGrpcService>();
        app.MapGrpcService<RenewalGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapGet("/", () => Results.Text(
            "CustomerHealth speaks gRPC (HTTP/2) on this address. Services: customerhealth.v1.AccountService, customerhealth.v1.EngagementService, customerhealth.v1.OnboardingService, customerhealth.v1.HealthService, customerhealth.v1.MetricsService, customerhealth.v1.RenewalService, grpc.health.v1.Health; server reflection is on.\n"));
        return app;
    }
}

/// <summary>
/// <c>Lazy&lt;T&gt;</c> from the container: <typeparamref name="T"/> is resolved from the consumer's scope on first use, so
/// a class created per call does not build the dependencies the call does not need.
/// </summary>
internal sealed class ResolvedOnFirstUse<T>(IServiceProvider services) : Lazy<T>(services.GetRequiredService<T>) where T : notnull;
