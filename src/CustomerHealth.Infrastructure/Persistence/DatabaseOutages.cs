using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Tells a database that is away (unreachable, refusing connections, restarting, locked beyond the wait bound) from a
/// request's own fault, for every engine and however EF Core wrapped it; and forgets pooled connections that an outage
/// broke, so the first call after the database returns opens a fresh one instead of failing on a dead socket.
/// </summary>
public static class DatabaseOutages
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) says the database cannot be used right now: a retrying
    /// strategy that gave up, a transient provider error, a connection that broke or timed out, SQLite busy or locked.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RetryLimitExceededException:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                case DbException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the failure broke connections rather than one statement (a refused or dropped connection, a server
    /// shutting down), so that other pooled connections are likely dead too.
    /// </summary>
    public static bool BrokeConnections(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    // Class 08 (connection exception) and 57P01–57P03 (shutdown, crash, cannot connect now).
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P0", StringComparison.Ordinal);
                case NpgsqlException { InnerException: IOException or SocketException or TimeoutException }:
                case Microsoft.Data.SqlClient.SqlException { IsTransient: true }:
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Called on every database failure the service sees: when it broke connections, empties the connection pools of
    /// the server engines (idle connections are closed, busy ones are not reused), so no caller inherits a dead socket.
    /// </summary>
    public static void ForgetBrokenConnections(Exception exception)
    {
        if (!BrokeConnections(exception)) return;
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
    }
}
