using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Sets SQLite's per-connection pragmas when EF Core opens a connection: write-ahead logging (readers never block the
/// writer), the configured durability level, and a busy timeout so concurrent writers queue instead of failing. They
/// are settings of the native connection, which Microsoft.Data.Sqlite pools and hands out again on the next open: they
/// are applied once per native connection, not on every open (a hot read opens a connection per call).
/// </summary>
internal sealed class SqlitePragmas(DatabaseOptions options) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(options);

    /// <summary>
    /// The native connections (by their handle) that have the pragmas; an entry goes with its connection.
    /// </summary>
    private static readonly ConditionalWeakTable<object, object> Applied = [];
    private static readonly object Marker = new();

    /// <summary>The pragmas every connection of the service gets.</summary>
    public static string Sql(DatabaseOptions options) =>
        $"PRAGMA journal_mode=WAL; PRAGMA synchronous={options.SqliteSynchronous.ToUpperInvariant()}; PRAGMA " +
        $"busy_timeout={BusyTimeoutMs(options)}; PRAGMA foreign_keys=ON;";

    /// <summary>How long SQLite waits for another writer: the configured time, never past the wait bound.</summary>
    public static long BusyTimeoutMs(DatabaseOptions options) =>
        Math.Min(options.SqliteBusyTimeoutMs, (long)options.MaxWait.TotalMilliseconds);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (AlreadyApplied(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
        Remember(connection);
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (AlreadyApplied(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Remember(connection);
    }

    private static bool AlreadyApplied(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && Applied.TryGetValue(handle, out _);

    private static void Remember(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) Applied.AddOrUpdate(handle, Marker);
    }
}
