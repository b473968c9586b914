namespace CustomerHealth.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

/// <summary>The <c>Database</c> configuration section (the connection string itself is <c>ConnectionStrings:CustomerHealth</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "CustomerHealth";
    public const string DefaultSqliteConnectionString = "Data Source=data/customerhealth.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply pending migrations when the service starts. Null means: yes for SQLite (an embedded file owned by this process),
    /// no for server databases, which are migrated by the explicit <c>migrate</c> command or the Helm hook job.
    /// </summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>SQLite's <c>synchronous</c> pragma under WAL: FULL (default) makes every acknowledged commit survive power loss; NORMAL only a process crash.</summary>
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
    /// (<c>AddUserActiveDays</c>: 3 minutes for 73 million user-day rows on PostgreSQL) outlast the providers' 30-second
    /// default for commands, which would fail the migration and roll it back.
    /// </summary>
    public int MigrationCommandTimeoutSeconds { get; set; } = 3_600;

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;

    /// <summary>Why the options are unusable, or null.</summary>
    public string? Explain() =>
        !Enum.IsDefined(Provider) ? $"Database:Provider must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}"
        : SqliteSynchronous.ToUpperInvariant() is not ("OFF" or "NORMAL" or "FULL" or "EXTRA") ? "Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA"
        : SqliteBusyTimeoutMs < 0 ? "Database:SqliteBusyTimeoutMs must not be negative"
        : SqliteIngestCacheMiB is < 2 or > 4096 ? "Database:SqliteIngestCacheMiB must be from 2 to 4096"
        : MigrationCommandTimeoutSeconds is < 1 or > 86_400 ? "Database:MigrationCommandTimeoutSeconds must be from 1 to 86400"
        : null;
}
