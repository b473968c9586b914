using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;
using Testcontainers.MsSql;
using Testcontainers.PostgreSql;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// A real, empty database for one test class. When its engine is not available here, <see cref="SkipReason"/> says why
/// and every test of the class is reported as skipped with that reason (never silently passed).
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    public abstract DatabaseProvider Provider { get; }
    public string ConnectionString { get; protected set; } = "";
    public string? SkipReason
    {
        get => _skipReason;
        protected set
        {
            _skipReason = value;
            // Shown once per test class in the test run's output (diagnosticMessages is on in xunit.runner.json).
            if (value is not null) TestContext.Current.SendDiagnosticMessage("{0}", value);
        }
    }

    private string? _skipReason;

    public abstract ValueTask InitializeAsync();
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Whether a Docker engine failure means "no engine here" (skip) rather than a broken test (fail).
    /// </summary>
    protected static bool IsDockerUnavailable(Exception ex) =>
        ex is DotNet.Testcontainers.Builders.DockerUnavailableException;
}

/// <summary>SQLite: a new file per test class in the temp directory, deleted afterwards. Always available.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"customerhealth-test-{Guid.NewGuid():N}.db");

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// PostgreSQL: a new database per test class on the server named by <c>CUSTOMERHEALTH_TEST_POSTGRES</c> (CI starts
/// Debian's PostgreSQL and sets it), otherwise in a Testcontainers container when a Docker engine answers, otherwise
/// skipped.
/// </summary>
public sealed class PostgreSqlTestDatabase : TestDatabase
{
    public const string EnvironmentVariable = "CUSTOMERHEALTH_TEST_POSTGRES";
    private PostgreSqlContainer? _container;
    private string? _adminConnectionString;
    private string? _databaseName;

    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public override async ValueTask InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            try
            {
                _container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await _container.StartAsync();
                _adminConnectionString = _container.GetConnectionString();
            }
            catch (Exception ex) when (IsDockerUnavailable(ex))
            {
                SkipReason = $"PostgreSQL tests skipped: {EnvironmentVariable} is not set and no Docker engine " +
                    $"answers for Testcontainers ({ex.Message.Split('\n')[0]}).";
                return;
            }
        }

        _databaseName = $"customerhealth_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{_databaseName}\"";
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(
            _adminConnectionString)
        { Database = _databaseName }.ToString();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_databaseName is not null && _container is null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }
        if (_container is not null) await _container.DisposeAsync();
    }
}

/// <summary>
/// SQL Server: a Testcontainers container per test class when a Docker engine answers, otherwise skipped.
/// </summary>
public sealed class SqlServerTestDatabase : TestDatabase
{
    private MsSqlContainer? _container;

    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public override async ValueTask InitializeAsync()
    {
        try
        {
            _container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
            await _container.StartAsync();
        }
        catch (Exception ex) when (IsDockerUnavailable(ex))
        {
            SkipReason = $"SQL Server tests skipped: no Docker engine answers for Testcontainers.MsSql " +
                $"({ex.Message.Split('\n')[0]}).";
            _container = null;
            return;
        }
        ConnectionString = _container.GetConnectionString();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
