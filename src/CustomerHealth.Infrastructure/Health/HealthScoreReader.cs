using System.Collections.Concurrent;
using System.Data.Common;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;
using O = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthOverrides;
using S = CustomerHealth.Infrastructure.Persistence.SqlSchema.HealthScores;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The hot single-account read of <c>GetHealthScore</c> on a read-cache miss: the account's stored score (the row the
/// recompute writes whole, keyed by account) with the override in force joined in, by one prepared statement on a
/// connection kept open, without a DbContext. Its answer is exactly <see cref="HealthStore.GetAsync"/>'s for an account
/// that has a stored score; null sends the caller to that method (no stored score yet: computed on the spot, or
/// NOT_FOUND).
/// <para>
/// Why: on a miss the DbContext path cost about 430 µs of CPU on SQLite, most of it EF Core's SQLite provider
/// registering its SQL functions on every connection object it creates (see docs/benchmarks/health-reads.md and ADR
/// 0067). Here each kept connection is opened once, with the service's pragmas and no functions, and its statement
/// prepared once. PostgreSQL keeps its prepared statement and skips the pool's reset on return.
/// </para>
/// <para>
/// Connections are lent one read at a time, at most <see cref="MaxConnections"/> of them; a connection whose statement
/// failed is closed, never lent again, and a read on one that a database outage broke is retried once on a fresh one.
/// SQL Server and in-memory SQLite databases are not served here (<see cref="Enabled"/> is false).
/// </para>
/// </summary>
public sealed class HealthScoreReader : IDisposable
{
    /// <summary>
    /// The most connections kept (and reads at once): a read holds one for a few tens of microseconds, so a few per
    /// core keep the cores busy; more callers wait for one rather than open, prepare and close extra connections.
    /// </summary>
    public static int MaxConnections { get; } = Math.Max(4, 2 * Environment.ProcessorCount);

    private const string Sql =
        $"SELECT s.{S.Score}, s.{S.Band}, s.{S.Tier}, s.{S.Stage}, s.{S.EffectiveAccount}, s.{S.CompletenessShare}, " +
        $"s.{S.DetailJson}, s.{S.Change7Days}, s.{S.Change30Days}, s.{S.ScorecardVersion}, s.{S.AsOf}, " +
        $"s.{S.ComputedAt}, s.{S.RenewalDate}, s.{S.ArrMicros}, s.{S.Currency}, s.{S.FirstActiveDay}, " +
        $"s.{S.FirstValueDay}, s.{S.MonthlyActiveUsers}, " +
        $"o.{O.AccountId}, o.{O.Score}, o.{O.Band}, o.{O.Reason}, o.{O.SetBy}, o.{O.SetAt}, o.{O.ExpiresAt} " +
        $"FROM {S.Table} s LEFT JOIN {O.Table} o ON o.{O.AccountId} = s.{S.AccountId} AND o.{O.ExpiresAt} > @now " +
        $"WHERE s.{S.AccountId} = @id";

    private readonly DatabaseOptions _options;
    private readonly string _connectionString;
    private readonly ConcurrentBag<Kept> _idle = [];
    private readonly SemaphoreSlim _lendable = new(MaxConnections, MaxConnections);
    private bool _disposed;

    public HealthScoreReader(DatabaseOptions options, string connectionString)
    {
        _options = options;
        _connectionString = connectionString;
        Enabled = options.Provider switch
        {
            DatabaseProvider.PostgreSql => true,
            DatabaseProvider.Sqlite => !IsInMemory(connectionString),
            _ => false,
        };
    }

    /// <summary>Whether this engine's reads are served here; otherwise callers use <see cref="HealthStore"/>.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// The stored score of <paramref name="accountId"/> with the override in force at <paramref name="now"/>, or null
    /// when the account has no stored score (or does not exist).
    /// </summary>
    public async Task<HealthScoreRow?> TryGetAsync(string accountId, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enabled) throw new InvalidOperationException("The hot read is not served on this database.");
        await _lendable.WaitAsync(ct);
        try
        {
            return await ReadAsync(accountId, now.UtcDateTime, ct);
        }
        finally
        {
            _lendable.Release();
        }
    }

    private async Task<HealthScoreRow?> ReadAsync(string accountId, DateTime now, CancellationToken ct)
    {
        var reused = _idle.TryTake(out var kept);
        kept ??= Open();
        try
        {
            var row = await kept.ReadAsync(accountId, now, ct);
            Return(kept);
            return row;
        }
        catch (Exception ex) when (reused && DatabaseOutages.BrokeConnections(ex))
        {
            // A kept connection that an outage broke: the database may be back, so one try on a fresh one.
            kept.Dispose();
            DisposeIdle();
        }
        catch
        {
            kept.Dispose();
            throw;
        }
        var fresh = Open();
        try
        {
            var row = await fresh.ReadAsync(accountId, now, ct);
            Return(fresh);
            return row;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    private Kept Open() => _options.Provider == DatabaseProvider.Sqlite ? OpenSqlite() : OpenPostgreSql();

    /// <summary>Back for the next read, or closed when the reader is disposed meanwhile.</summary>
    private void Return(Kept kept)
    {
        _idle.Add(kept);
        if (Volatile.Read(ref _disposed)) DisposeIdle();
    }

    private Kept OpenSqlite()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = SqlitePragmas.Sql(_options);
                pragmas.ExecuteNonQuery();
            }
            var command = connection.CreateCommand();
            command.CommandText = Sql;
            var id = command.Parameters.Add("@id", SqliteType.Text);
            var now = command.Parameters.Add("@now", SqliteType.Text);
            id.Value = "";
            now.Value = "";
            command.Prepare();
            // Instants are stored as EF Core writes them: text that orders as the instant does.
            return new Kept(connection, command, id, now,
                at => at.ToString(SqliteStatement.InstantFormat, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private Kept OpenPostgreSql()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            var command = connection.CreateCommand();
            command.CommandText = Sql;
            var id = command.Parameters.Add("id", NpgsqlTypes.NpgsqlDbType.Varchar);
            var now = command.Parameters.Add("now", NpgsqlTypes.NpgsqlDbType.TimestampTz);
            id.Value = "";
            now.Value = DateTime.UnixEpoch;
            command.Prepare();
            return new Kept(connection, command, id, now, at => at);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool IsInMemory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var kept)) kept.Dispose();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        DisposeIdle();
    }

    /// <summary>One open connection with the prepared statement and its two parameters.</summary>
    private sealed class Kept(
        DbConnection connection, DbCommand command, DbParameter id, DbParameter now, Func<DateTime, object> instant)
        : IDisposable
    {
        public async Task<HealthScoreRow?> ReadAsync(string accountId, DateTime nowUtc, CancellationToken ct)
        {
            id.Value = accountId;
            now.Value = instant(nowUtc);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
            return await reader.ReadAsync(ct) ? ToRow(reader, accountId) : null;
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }

    private static HealthScoreRow ToRow(DbDataReader r, string accountId) => new()
    {
        AccountId = accountId,
        Score = r.IsDBNull(0) ? null : r.GetDouble(0),
        Band = (HealthBand)r.GetInt32(1),
        Tier = (CsTier)r.GetInt32(2),
        Stage = (LifecycleStage)r.GetInt32(3),
        EffectiveAccount = r.GetBoolean(4),
        CompletenessShare = r.GetDouble(5),
        DetailJson = r.GetString(6),
        Change7Days = r.IsDBNull(7) ? null : r.GetDouble(7),
        Change30Days = r.IsDBNull(8) ? null : r.GetDouble(8),
        ScorecardVersion = r.GetInt32(9),
        AsOf = Utc(r.GetDateTime(10)),
        ComputedAt = Utc(r.GetDateTime(11)),
        RenewalDate = Day(r, 12),
        ArrMicros = r.IsDBNull(13) ? null : r.GetInt64(13),
        Currency = r.IsDBNull(14) ? null : r.GetString(14),
        FirstActiveDay = Day(r, 15),
        FirstValueDay = Day(r, 16),
        MonthlyActiveUsers = r.IsDBNull(17) ? null : r.GetInt32(17),
        Override = r.IsDBNull(18) ? null : new HealthOverride(
            r.IsDBNull(19) ? null : r.GetDouble(19), (HealthBand)r.GetInt32(20), r.GetString(21), r.GetString(22),
            new DateTimeOffset(Utc(r.GetDateTime(23))), new DateTimeOffset(Utc(r.GetDateTime(24)))),
    };

    private static DateOnly? Day(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateOnly>(ordinal);

    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc
        ? value
        : DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Utc);
}
