using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Sets SQLite's per-connection pragmas when EF Core opens a connection: write-ahead logging (readers never block the writer),
/// the configured durability level, and a busy timeout so concurrent writers queue instead of failing.
/// </summary>
internal sealed class SqlitePragmas(DatabaseOptions options) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(options);

    /// <summary>The pragmas every connection of the service gets.</summary>
    public static string Sql(DatabaseOptions options) =>
        $"PRAGMA journal_mode=WAL; PRAGMA synchronous={options.SqliteSynchronous.ToUpperInvariant()}; PRAGMA busy_timeout={options.SqliteBusyTimeoutMs}; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }
}
