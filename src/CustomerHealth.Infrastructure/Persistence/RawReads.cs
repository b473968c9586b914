using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// A hand-written read on a context's own connection, for the few reads whose row counts make EF Core's materialiser
/// the larger cost (ADR 0042: hand-tuned SQL only where volume needs it): the recompute's signal sources and a
/// portfolio report's account and contract rows.
/// </summary>
internal static class RawReads
{
    /// <summary>
    /// Runs <paramref name="sql"/> on the context's connection, in its current transaction if any (a recompute batch's
    /// snapshot), and hands each row to <paramref name="read"/>; the connection is closed again unless it was open.
    /// </summary>
    public static async Task ReadRowsAsync(
        this DatabaseFacade database, string sql, IEnumerable<(string Name, object Value)> parameters,
        Action<DbDataReader> read, CancellationToken ct)
    {
        await database.OpenConnectionAsync(ct);
        try
        {
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) read(reader);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Like <see cref="ReadRowsAsync"/> on SQLite, through SQLite's own API (<see cref="SqliteStatement"/>) instead of
    /// a data reader: for a few hundred thousand rows, the data reader's checks per value (two native calls for each
    /// null test) cost more than SQLite's own stepping, and a text column can be read without making a string.
    /// Cancellation is checked every 4,096 rows.
    /// </summary>
    public static async Task ReadSqliteRowsAsync(
        this DatabaseFacade database, string sql, IEnumerable<(string Name, object Value)> parameters,
        Action<SqliteStatement> read, CancellationToken ct)
    {
        await database.OpenConnectionAsync(ct);
        try
        {
            using var statement = new SqliteStatement((SqliteConnection)database.GetDbConnection(), sql);
            foreach (var (name, value) in parameters) statement.BindValue(statement.Parameter(name), value);
            for (var row = 0; statement.Step(); row++)
            {
                if ((row & 4095) == 0) ct.ThrowIfCancellationRequested();
                read(statement);
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
