using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Expansion;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Metrics;
using CustomerHealth.Server.Onboarding;
using CustomerHealth.Server.Renewals;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Webhooks;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Hosting;

/// <summary>The service's building blocks, each registered by one call from Program.cs.</summary>
public static class ServiceRegistration
{
    /// <summary>
    /// The database provider and connection from configuration (<c>Database:*</c>,
    /// <c>ConnectionStrings:CustomerHealth</c>); SQLite's file defaults to the data directory
    /// (see <see cref="ApplicationFolders"/>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthPersistence(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()
            ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var dataDirectory = ApplicationFolders.DataDirectory(builder.Configuration, builder.Environment);
            if (string.IsNullOrWhiteSpace(connectionString))
                RefuseToLeaveAnEarlierDatabaseBehind(Path.Combine(dataDirectory, ApplicationFolders.SqliteFileName));
            connectionString = ApplicationFolders.SqliteConnectionString(
                connectionString, dataDirectory, builder.Environment);
        }
        builder.Services.AddSingleton(TimeProvider.System);
        // The reporting currency of the exchange-rate table, which the account and metrics stores read.
        builder.Services.AddValidatedOptions<CurrencyOptions, CurrencyOptionsValidator>(CurrencyOptions.Section);
        // The expansion signals' thresholds, which the expansion RPCs and the plays' expansion rule share.
        builder.Services.AddValidatedOptions<ExpansionOptions, ExpansionOptionsValidator>(ExpansionOptions.Section);
        // The champion signal's quiet window, which the account page and the play rules read.
        builder.Services.AddValidatedOptions<StakeholderOptions, StakeholderOptionsValidator>(
            StakeholderOptions.Section);
        builder.Services.AddCustomerHealthPersistence(options, connectionString);
        return builder;
    }

    /// <summary>
    /// Stops rather than start on a new, empty database while the one an earlier version made under the working folder
    /// is still there: the operator moves it or points <c>DataDirectory</c> at it.
    /// </summary>
    private static void RefuseToLeaveAnEarlierDatabaseBehind(string databaseFile)
    {
        var earlier = ApplicationFolders.EarlierDefaultDatabase(databaseFile, Environment.CurrentDirectory);
        if (earlier is null) return;
        throw new InvalidOperationException(
            $"The SQLite database is now kept in the data directory ({databaseFile}), but an earlier version's "
            + $"database is at {earlier} (under the working folder) and none is in the data directory yet. Move the "
            + "file (with its -wal and -shm files) there, or start with --DataDirectory "
            + $"\"{Path.GetDirectoryName(earlier)}\" to keep using it where it is (docs/configuration.md#folders).");
    }

    /// <summary>
    /// Engagement settings (<c>Engagement:*</c>): raw-event retention and its purge job; the writers that store queued
    /// usage events (group commit, see <see cref="EventIngestionQueue"/>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthEngagement(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<EngagementOptions, EngagementOptionsValidator>(EngagementOptions.Section);
        builder.Services.AddSingleton(sp =>
            new EventRules(sp.GetRequiredService<EngagementOptions>().RawEventRetentionDays));
        builder.Services.AddHostedService<EventWriterService>();
        builder.Services.AddHostedService<RetentionPurgeService>();
        return builder;
    }

    /// <summary>Onboarding settings (<c>Onboarding:*</c>) and the worker that completes automatic milestones.</summary>
    public static WebApplicationBuilder AddCustomerHealthOnboarding(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<OnboardingOptions, OnboardingOptionsValidator>(OnboardingOptions.Section);
        builder.Services.AddHostedService<OnboardingWorker>();
        return builder;
    }

    /// <summary>Health settings (<c>Health:*</c>) and the worker that recomputes scores marked dirty, plus the daily
    /// pass.</summary>
    public static WebApplicationBuilder AddCustomerHealthScoring(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HealthOptions, HealthOptionsValidator>(HealthOptions.Section);
        builder.Services.AddSingleton(sp => new HealthReadCache(
            sp.GetRequiredService<IOptions<HealthOptions>>().Value.ReadCacheTtl, sp.GetRequiredService<TimeProvider>(),
            metrics: sp.GetRequiredService<ServiceMetrics>()));
        builder.Services.AddHostedService<HealthWorker>();
        AddHealthReadModel(builder.Services);
        return builder;
    }

    /// <summary>
    /// The read model of <c>GetHealthScore</c> (<see cref="HealthReadModel"/>), idle unless <c>Health:ReadModel</c>.
    /// </summary>
    public static void AddHealthReadModel(IServiceCollection services)
    {
        services.AddSingleton<HealthReadModel>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthReadModel>());
    }

    /// <summary>
    /// Renewal prediction settings (<c>Renewals:*</c>), the worker that keeps predictions fresh and the one that trains
    /// by
    /// itself when enough new outcomes arrived (<c>Renewals:AutoTrain</c>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthRenewals(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RenewalOptions, RenewalOptionsValidator>(RenewalOptions.Section);
        builder.Services.AddHostedService<RenewalWorker>();
        var autoTrain = builder.Configuration.GetSection(RenewalOptions.Section)
            .GetValue(nameof(RenewalOptions.AutoTrain), new RenewalOptions().AutoTrain);
        if (autoTrain) builder.Services.AddHostedService<RenewalTrainingWorker>();
        return builder;
    }

    /// <summary>
    /// Outbound webhooks (<c>Webhooks:*</c>, docs/webhooks.md): the sender's HTTP client (a timeout, redirects not
    /// followed, no cookies) and the dispatcher that delivers queued events, on the replica holding its lease.
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        builder.Services.AddHttpClient(WebhookSender.ClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<WebhookOptions>().RequestTimeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CustomerHealth-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect could lead anywhere (another host, an internal address): a 3xx is a failed attempt.
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        builder.Services.AddSingleton<WebhookSender>();
        var enabled = builder.Configuration.GetSection(WebhookOptions.Section)
            .GetValue(nameof(WebhookOptions.Enabled), new WebhookOptions().Enabled);
        if (enabled) builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }

    /// <summary>gRPC with the error-mapping interceptor, the grpc.health.v1 service backed by a database check, and
    /// reflection.</summary>
    public static WebApplicationBuilder AddCustomerHealthGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.EnableDetailedErrors = false;
        });
        // Reflection serves the documented descriptors (with the proto comments), not the generated ones.
        builder.Services.AddSingleton(new global::Grpc.Reflection.ReflectionServiceImpl(ContractDescriptors.Services
            .Append(global::Grpc.Health.V1.Health.Descriptor)
            .Append(global::Grpc.Reflection.V1Alpha.ServerReflection.Descriptor)));
        builder.Services.AddSingleton<LogThrottle>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddScoped<HealthStores>(); // the health service's stores, built on first use
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
            options.Services.Map(Currency.CurrencyGrpcService.ServiceName, _ => true);
            options.Services.Map(WebhookGrpcService.ServiceName, _ => true);
            options.Services.Map(Plays.PlayGrpcService.ServiceName, _ => true);
            options.Services.Map(ServiceInfoGrpcService.ServiceName, _ => true);
        });
        builder.Services.AddGuardedServiceMethods(); // last: AddGrpc* calls register grpc-dotnet's binder again
        return builder;
    }

    /// <summary>
    /// The loopback channel (the demo and the generate command write through the server's own API) and, with
    /// <c>--demo</c> or
    /// <c>Demo:Enabled</c>, the service that fills an empty database with a demo portfolio (<c>Demo:*</c>).
    /// </summary>
    public static WebApplicationBuilder AddCustomerHealthDemo(this WebApplicationBuilder builder, bool demoSwitch)
    {
        var enabled = demoSwitch
            || builder.Configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}");
        builder.Services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(DemoOptions.Section);
        builder.Services.PostConfigure<DemoOptions>(o => o.Enabled |= demoSwitch);
        builder.Services.AddSingleton<DemoProgress>();
        builder.Services.AddSingleton(sp => new LoopbackChannel(
            sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(), LoopbackToken(sp, enabled)));
        if (enabled) builder.Services.AddHostedService<DemoPortfolioService>();
        // Most demo contracts are monthly, and a lead must be shorter than the median term: the demo's own lead
        // applies unless one is configured.
        var demoLead = builder.Configuration.GetValue(
            $"{DemoOptions.Section}:{nameof(DemoOptions.RenewalLeadDays)}", new DemoOptions().RenewalLeadDays);
        if (enabled && builder.Configuration[$"{RenewalOptions.Section}:{nameof(RenewalOptions.LeadDays)}"] is null)
            builder.Services.PostConfigure<RenewalOptions>(o => o.LeadDays = demoLead);
        return builder;
    }

    /// <summary>
    /// The server's calls to itself authenticate like any client's: with a token of the loopback development key, the
    /// only key the server itself can sign with.
    /// </summary>
    private static Func<string> LoopbackToken(IServiceProvider services, bool demo)
    {
        var development = services.GetService<DevelopmentCredentials>();
        if (development is null && demo)
            throw new InvalidOperationException(
                "The demo loads its portfolio through the API with the loopback development credentials, which are off "
                + "when Authentication:Jwt or Authentication:Certificate is configured; start the demo without them.");
        return () => development?.Mint("demo-loader", Scopes.All, TimeSpan.FromHours(1))
            ?? throw new InvalidOperationException(
                "The server can sign tokens for itself only with the development key.");
    }

    /// <summary>The gRPC services, each method behind the scope <see cref="RpcScopes"/> declares for it.</summary>
    public static WebApplication MapCustomerHealthGrpc(this WebApplication app)
    {
        app.UseClientResetsAsCancellations();
        app.MapGrpcService<AccountGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<EngagementGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<OnboardingGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<HealthGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<MetricsGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<RenewalGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<AuditGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<Currency.CurrencyGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<WebhookGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<Plays.PlayGrpcService>().RequireDeclaredScopes();
        app.MapGrpcService<ServiceInfoGrpcService>().RequireDeclaredScopes();
        app.MapGrpcHealthChecksService().RequireDeclaredScopes();
        app.MapGrpcReflectionService().RequireDeclaredScopes();
        app.MapGet("/", () => Results.Text(
            "CustomerHealth speaks gRPC (HTTP/2) on this address. Services: customerhealth.v1.AccountService, " +
            "customerhealth.v1.EngagementService, customerhealth.v1.OnboardingService, " +
            "customerhealth.v1.HealthService, customerhealth.v1.MetricsService, customerhealth.v1.RenewalService, " +
            "customerhealth.v1.AuditService, customerhealth.v1.CurrencyService, customerhealth.v1.WebhookService, " +
            "customerhealth.v1.PlayService, customerhealth.v1.ServiceInfoService, grpc.health.v1.Health; server " +
            "reflection is on.\n"))
            .AllowAnonymous();
        RpcAuthorization.VerifyEveryRpcDeclared(app);
        return app;
    }
}
