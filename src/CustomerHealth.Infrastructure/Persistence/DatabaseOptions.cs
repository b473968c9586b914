using Microsoft.Extensions.Options;

namespace CustomerHealth.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

/// <summary>
/// The <c>Database</c> configuration section (the connection string itself is <c>ConnectionStrings:CustomerHealth</c>),
/// checked by <see cref="DatabaseOptionsValidator"/> when the persistence is registered.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "CustomerHealth";
    public const string DefaultSqliteConnectionString = "Data Source=data/customerhealth.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply pending migrations when the service starts. Null means: yes for SQLite (an embedded file owned by this
    /// process), no for server databases, which are migrated by the explicit <c>migrate</c> command or the Helm hook
    /// job.
    /// </summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>
    /// SQLite's <c>synchronous</c> pragma under WAL: FULL (default) makes every acknowledged commit survive power loss;
    /// NORMAL only a process crash.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>How long a SQLite writer waits for another to finish before failing, in milliseconds.</summary>
    public int SqliteBusyTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// The page cache of the SQLite connection that stores usage events, in MiB (other connections keep SQLite's 2 MB):
    /// the rollups and indexes that every batch touches stay in memory between commits instead of being read again.
    /// </summary>
    public int SqliteIngestCacheMiB { get; set; } = 64;

    /// <summary>
    /// How long one statement of a migration may run, in seconds. Migrations that fill a new table from a large one
    /// (<c>AddUserActiveDays</c>: 3 minutes for 73 million user-day rows on PostgreSQL) outlast the providers'
    /// 30-second default for commands, which would fail the migration and roll it back.
    /// </summary>
    public int MigrationCommandTimeoutSeconds { get; set; } = 3_600;

    /// <summary>
    /// The longest a call waits for a database that is away before it is answered UNAVAILABLE, in seconds: it bounds
    /// the retries of a transient failure, opening a connection (unless the connection string sets its own timeout)
    /// and, on SQLite, waiting for another writer's lock (<see cref="SqliteBusyTimeoutMs"/> is capped by it).
    /// </summary>
    public int MaxWaitSeconds { get; set; } = 10;

    public TimeSpan MaxWait => TimeSpan.FromSeconds(MaxWaitSeconds);

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;
}

/// <summary>
/// The rules of <see cref="DatabaseOptions"/>; every broken one is reported, each naming its key. Run when the
/// persistence is registered rather than at host start, because the provider decides which services are registered.
/// </summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public const int MinSqliteIngestCacheMiB = 2;
    public const int MaxSqliteIngestCacheMiB = 4096;
    public const int MaxMigrationCommandTimeoutSeconds = 86_400;
    public const int MaxMaxWaitSeconds = 300;
    private static readonly string[] SqliteSynchronousModes = ["OFF", "NORMAL", "FULL", "EXTRA"];

    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!Enum.IsDefined(options.Provider))
        {
            var providers = string.Join(", ", Enum.GetNames<DatabaseProvider>());
            result.AddError($"{Key(nameof(options.Provider))} must be one of {providers}");
        }
        if (!SqliteSynchronousModes.Contains(options.SqliteSynchronous.ToUpperInvariant()))
            result.AddError($"{Key(nameof(options.SqliteSynchronous))} must be OFF, NORMAL, FULL or EXTRA");
        if (options.SqliteBusyTimeoutMs < 0)
            result.AddError($"{Key(nameof(options.SqliteBusyTimeoutMs))} must not be negative");
        if (options.SqliteIngestCacheMiB is < MinSqliteIngestCacheMiB or > MaxSqliteIngestCacheMiB)
        {
            var key = Key(nameof(options.SqliteIngestCacheMiB));
            result.AddError($"{key} must be from {MinSqliteIngestCacheMiB} to {MaxSqliteIngestCacheMiB}");
        }
        if (options.MigrationCommandTimeoutSeconds is < 1 or > MaxMigrationCommandTimeoutSeconds)
        {
            var key = Key(nameof(options.MigrationCommandTimeoutSeconds));
            result.AddError($"{key} must be from 1 to {MaxMigrationCommandTimeoutSeconds}");
        }
        if (options.MaxWaitSeconds is < 1 or > MaxMaxWaitSeconds)
            result.AddError($"{Key(nameof(options.MaxWaitSeconds))} must be from 1 to {MaxMaxWaitSeconds}");
        return result.Build();
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming every broken rule.</summary>
    public static void ThrowIfInvalid(DatabaseOptions options)
    {
        var result = new DatabaseOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
            throw new OptionsValidationException(Options.DefaultName, typeof(DatabaseOptions), result.Failures);
    }

    private static string Key(string property) => $"{DatabaseOptions.Section}:{property}";
}
