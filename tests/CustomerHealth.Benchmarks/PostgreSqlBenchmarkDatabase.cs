using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// PostgreSQL: a new database <c>customerhealth_bench_&lt;guid&gt;</c> on the server of an admin connection string,
/// dropped afterwards. The baseline copies the rows with binary COPY into <c>CREATE TABLE … (LIKE usage_events
/// INCLUDING ALL)</c>.
/// </summary>
internal sealed class PostgreSqlBenchmarkDatabase : BenchmarkDatabase
{
    /// <summary>Where the admin connection string comes from, first match wins.</summary>
    public static readonly string[] EnvironmentVariables = ["CUSTOMERHEALTH_BENCH_POSTGRES",
        "CUSTOMERHEALTH_TEST_POSTGRES"];

    private readonly string _adminConnectionString;
    private readonly string _databaseName;
    private readonly string _connectionString;

    private PostgreSqlBenchmarkDatabase(string adminConnectionString, string databaseName)
    {
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
        _connectionString = new NpgsqlConnectionStringBuilder(
            adminConnectionString)
        { Database = databaseName }.ToString();
    }

    public override string Name => "PostgreSQL";

    public override IReadOnlyDictionary<string, string?> ServerSettings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "PostgreSql",
        ["ConnectionStrings:CustomerHealth"] = _connectionString,
        ["Database:MigrateOnStartup"] = "true",
    };

    /// <summary>The admin connection string from the environment, or null when PostgreSQL is not configured.</summary>
    public static string? AdminConnectionString() =>
        EnvironmentVariables.Select(Environment.GetEnvironmentVariable)
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    public static async Task<PostgreSqlBenchmarkDatabase> CreateAsync(
        string adminConnectionString, CancellationToken ct)
    {
        var database = new PostgreSqlBenchmarkDatabase(
            adminConnectionString, $"customerhealth_bench_{Guid.NewGuid():N}");
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database._databaseName}\"", admin);
        await create.ExecuteNonQueryAsync(ct);
        return database;
    }

    public override async Task<string> DescribeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return $"PostgreSQL {await ScalarAsync(connection, "SHOW server_version", ct)}, " +
            $"fsync={await ScalarAsync(connection, "SHOW fsync", ct)}, " +
            $"synchronous_commit={await ScalarAsync(connection, "SHOW synchronous_commit", ct)}, " +
            $"shared_buffers={await ScalarAsync(connection, "SHOW shared_buffers", ct)}";
    }

    public override async Task<StoredCounts> CountStoredAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await CountStoredAsync(connection, ct);
    }

    public override async Task<BaselineResult> InsertBaselineAsync(
        IReadOnlyList<EventRow> rows, int chunkSize, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using (var create = new NpgsqlCommand(
            $"CREATE TABLE {BaselineTable} (LIKE usage_events INCLUDING ALL)", connection))
            await create.ExecuteNonQueryAsync(ct);

        var clock = Stopwatch.StartNew();
        using (var copy = connection.BeginBinaryImport($"COPY {BaselineTable} ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                copy.StartRow();
                copy.Write(r.Source, NpgsqlDbType.Varchar);
                copy.Write(r.EventId, NpgsqlDbType.Varchar);
                copy.Write(r.AccountId, NpgsqlDbType.Varchar);
                copy.Write(r.UserId, NpgsqlDbType.Varchar);
                copy.Write(r.EventName, NpgsqlDbType.Varchar);
                copy.Write(r.OccurredAt, NpgsqlDbType.TimestampTz);
                copy.Write(r.Day, NpgsqlDbType.Date);
                if (r.Quantity is { } q) copy.Write(q, NpgsqlDbType.Double);
                else copy.WriteNull();
                if (r.PropertiesJson is { } json) copy.Write(json, NpgsqlDbType.Text);
                else copy.WriteNull();
                copy.Write(r.ReceivedAt, NpgsqlDbType.TimestampTz);
            }
            copy.Complete();
        }
        return new BaselineResult(
            [new BaselineMethod("binary COPY (one statement)", clock.Elapsed)], rows.Count,
            "LIKE usage_events INCLUDING ALL");
    }

    /// <summary>
    /// The CPU of the server's backends connected to this run's database (the service's and the baseline's).
    /// </summary>
    public override Task<DatabaseCpu?> ServerCpuAsync(CancellationToken ct) => DatabaseCpu.TryCreateAsync(
        new ExistingDatabase("PostgreSql", _connectionString, Name), ct, ownBackendsOnly: true);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
