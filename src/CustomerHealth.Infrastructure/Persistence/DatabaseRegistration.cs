using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Persistence;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers the DbContext for the configured provider, its migration set, and the stores built on it. The host
    /// registers what its settings shape: the <see cref="TimeProvider"/>, <see cref="EventRules"/> and the
    /// <see cref="HealthReadCache"/>.
    /// </summary>
    public static IServiceCollection AddCustomerHealthPersistence(
        this IServiceCollection services, DatabaseOptions options, string? connectionString)
    {
        DatabaseOptionsValidator.ThrowIfInvalid(options);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = options.Provider == DatabaseProvider.Sqlite
                ? DatabaseOptions.DefaultSqliteConnectionString
                : throw new InvalidOperationException(
                    $"Database:Provider is {options.Provider} but " +
                    $"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is empty.");
        }
        connectionString = WaitBounds.Apply(options, connectionString);

        services.AddSingleton(options);
        services.TryAddSingleton(sp => new Telemetry.ServiceMetrics(
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new HealthDirtyMarker(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(
            sp => new Audit.AuditMetricsInterceptor(sp.GetRequiredService<Telemetry.ServiceMetrics>()));
        // The options are built once (a singleton), not per scope: building them parses the connection string and
        // touches the file system, which a hot read would pay on every call. Nothing in them depends on the scope.
        services.AddDbContext<CustomerHealthDbContext>((sp, builder) =>
            Configure(builder, options, connectionString).AddInterceptors(
                sp.GetRequiredService<HealthDirtyMarker>(), sp.GetRequiredService<Audit.AuditMetricsInterceptor>()),
            contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        var streaming = new DbContextOptionsBuilder<CustomerHealthDbContext>();
        Configure(streaming, options, connectionString, retryOnFailure: false);
        services.AddSingleton(new StreamingReadContexts(streaming.Options));
        // Built by the container so that it is disposed with it: its kept connections close with the host.
        services.AddSingleton(_ => new HealthScoreReader(options, connectionString));
        services.AddSingleton(TierThresholds.Default);
        services.AddScoped<AccountStore>();
        services.AddScoped<AccountBatchWriter>();
        services.AddSingleton(CrmRowWriterFor(options.Provider));
        services.AddScoped<AccountTrees>();
        services.AddScoped<ContactStore>();
        services.AddScoped<ChampionSignalReader>();
        services.AddOptions<StakeholderOptions>(); // bound and checked by the server (its defaults elsewhere)
        AddCurrencyAndAccountPages(services);
        services.AddScoped<SignalStore>();
        services.AddSingleton(EngagementWriter(options.Provider));
        services.AddSingleton(HealthWriter(options.Provider));
        services.AddScoped<EventIngestor>();
        services.AddSingleton(sp => new EventIngestionQueue(sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<EventRules>(), sp.GetRequiredService<TimeProvider>(),
            IngestionConnectionsFor(options, connectionString), sp.GetRequiredService<Telemetry.ServiceMetrics>()));
        AddStores(services);
        return services;
    }

    /// <summary>The stores and readers of engagement, onboarding, health, audit, metrics and renewals.</summary>
    private static void AddStores(IServiceCollection services)
    {
        services.AddScoped<EventCatalogueStore>();
        services.AddScoped<UsageStore>();
        services.AddScoped<OnboardingStore>();
        services.AddScoped<BulkLoad.BulkAccountLoader>();
        services.AddScoped<ScorecardStore>();
        services.AddScoped<SignalReader>();
        services.AddScoped<HealthRecomputer>();
        services.AddScoped<HealthBacktester>();
        services.AddScoped<ScorecardProposer>();
        services.AddScoped<HealthStore>();
        services.AddScoped<HealthChangeFeed>();
        services.AddScoped<HealthOverrideStore>();
        services.AddScoped<Plays.PlayRuleStore>();
        services.AddScoped<Plays.PlayEvaluator>();
        services.AddScoped<Plays.PlayStore>();
        services.AddScoped<Plays.PlayChangeFeed>();
        services.AddScoped<Audit.AuditStore>();
        services.AddScoped<Metrics.PortfolioInputsReader>();
        services.AddScoped<Expansion.ExpansionReader>();
        services.AddSingleton<Renewals.RenewalModelCache>();
        services.AddScoped<Renewals.RenewalHistoryReader>();
        services.AddScoped<Renewals.RenewalFeatureReader>();
        services.AddScoped<Renewals.RenewalModelStore>();
        services.AddScoped<Renewals.RenewalTraining>();
        services.AddScoped<Renewals.RenewalHoldoutReader>();
        services.AddScoped<Renewals.RenewalPredictor>();
        services.AddScoped<Renewals.RenewalStore>();
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<Coordination.LeaseStore>();
        services.AddSingleton<Coordination.ReplicaLeases>();
    }

    /// <summary>The exchange-rate table and the readers of account pages and list rows.</summary>
    private static void AddCurrencyAndAccountPages(IServiceCollection services)
    {
        services.AddScoped<Currency.ExchangeRateStore>();
        services.AddScoped<Webhooks.WebhookSubscriptionStore>();
        services.AddScoped<Webhooks.WebhookDeliveryStore>();
        services.AddScoped<AccountSummaries>();
        services.AddScoped<AccountOverviewReader>();
    }

    /// <summary>The engagement slice's writer for the engine: the one place that picks it.</summary>
    private static IngestionConnections IngestionConnectionsFor(DatabaseOptions options, string connectionString) =>
        options.Provider == DatabaseProvider.Sqlite
            ? new Engagement.Sqlite.SqliteIngestionConnection(options, connectionString)
            : new PooledIngestionConnections();

    /// <summary>The batch CRM writes' writer of new rows for the engine: the one place that picks it.</summary>
    private static CrmRowWriter CrmRowWriterFor(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new Accounts.Sqlite.SqliteCrmRowWriter(),
        DatabaseProvider.PostgreSql => new Accounts.PostgreSql.PostgreSqlCrmRowWriter(),
        DatabaseProvider.SqlServer => new TrackedCrmRowWriter(),
        _ => throw new InvalidOperationException($"Unknown database provider {provider}."),
    };

    private static RollupWriter EngagementWriter(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new Engagement.Sqlite.SqliteRollupWriter(),
        DatabaseProvider.PostgreSql => new Engagement.PostgreSql.PostgreSqlRollupWriter(),
        DatabaseProvider.SqlServer => new Engagement.SqlServer.SqlServerRollupWriter(),
        _ => throw new InvalidOperationException($"Unknown database provider {provider}."),
    };

    /// <summary>How a recompute stores its rows on the engine (the change tracker on SQL Server).</summary>
    private static Health.HealthRowWriter HealthWriter(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new Health.Sqlite.SqliteHealthRowWriter(),
        DatabaseProvider.PostgreSql => new Health.PostgreSql.PostgreSqlHealthRowWriter(),
        _ => new Health.HealthRowWriter(),
    };

    /// <summary>
    /// Points <paramref name="builder"/> at the provider and its migrations assembly. Also used by the design-time
    /// factories. The server engines retry transient failures (<see cref="BoundedRetries"/>) unless
    /// <paramref name="retryOnFailure"/> is false (see <see cref="StreamingReadContexts"/>).
    /// </summary>
    public static DbContextOptionsBuilder Configure(
        DbContextOptionsBuilder builder, DatabaseOptions options, string connectionString, bool retryOnFailure = true)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteDirectory(connectionString);
                builder.UseSqlite(connectionString, o => o.MigrationsAssembly(MigrationsAssemblies.Sqlite))
                    .AddInterceptors(new SqlitePragmas(options), new Telemetry.SqliteCommandTracing());
                break;
            case DatabaseProvider.PostgreSql:
                builder.UseNpgsql(connectionString, o =>
                {
                    o.MigrationsAssembly(MigrationsAssemblies.PostgreSql);
                    if (retryOnFailure) o.ExecutionStrategy(d => new BoundedNpgsqlRetries(d, options.MaxWait));
                });
                break;
            case DatabaseProvider.SqlServer:
                builder.UseSqlServer(connectionString, o =>
                {
                    o.MigrationsAssembly(MigrationsAssemblies.SqlServer);
                    if (retryOnFailure) o.ExecutionStrategy(d => new BoundedSqlServerRetries(d, options.MaxWait));
                });
                break;
            default:
                throw new InvalidOperationException($"Unknown database provider {options.Provider}.");
        }
        // A failed statement is the caller's to judge: a lost race is retried, anything else reaches the gRPC error
        // mapping, which logs what is a fault once. EF Core's own error line for each would double it.
        return builder.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug)));
    }

    private static void EnsureSqliteDirectory(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:"
            || dataSource.StartsWith("file:", StringComparison.Ordinal)) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
    }
}

/// <summary>The assembly that holds each provider's migration set.</summary>
public static class MigrationsAssemblies
{
    public const string Sqlite = "CustomerHealth.Migrations.Sqlite";
    public const string PostgreSql = "CustomerHealth.Migrations.PostgreSql";
    public const string SqlServer = "CustomerHealth.Migrations.SqlServer";
}
