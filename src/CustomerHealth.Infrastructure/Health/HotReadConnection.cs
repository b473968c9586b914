using System.Data;
using System.Data.Common;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// One connection kept open by <see cref="HealthScoreReader"/>, lent to one read at a time, with its statements:
/// each prepared once by its text and kept (at most <see cref="MaxStatements"/>; a rarer list page's statement beyond
/// them runs unkept). The single read's statement is prepared when the connection opens.
/// </summary>
internal sealed class HotReadConnection : IDisposable
{
    /// <summary>The most statements kept per connection: the single read, the batch read and list pages' shapes (a
    /// shape per combination of filters, order and cursor that callers use).</summary>
    public const int MaxStatements = 32;

    private readonly DbConnection _connection;
    private readonly Dictionary<string, DbCommand> _statements = new(StringComparer.Ordinal);

    public HotReadConnection(DbConnection connection, HotReadDialect dialect)
    {
        _connection = connection;
        Dialect = dialect;
    }

    public HotReadDialect Dialect { get; }

    /// <summary>The rows of <paramref name="sql"/> with <paramref name="parameters"/> bound, each read by
    /// <paramref name="read"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(
        string sql, IReadOnlyList<KeyValuePair<string, object>> parameters, Func<DbDataReader, T> read,
        CancellationToken ct)
    {
        var kept = _statements.TryGetValue(sql, out var command);
        if (!kept)
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
        }
        try
        {
            Bind(command!, parameters);
            if (!kept && _statements.Count < MaxStatements)
            {
                command!.Prepare();
                _statements.Add(sql, command);
                kept = true;
            }
            var rows = new List<T>();
            if (Dialect.IsSqlite)
            {
                // Microsoft.Data.Sqlite runs its async methods synchronously: the same work without their tasks.
                ct.ThrowIfCancellationRequested();
                using var syncReader = command!.ExecuteReader(CommandBehavior.Default);
                while (syncReader.Read()) rows.Add(read(syncReader));
                return rows;
            }
            await using var reader = await command!.ExecuteReaderAsync(CommandBehavior.Default, ct);
            while (await reader.ReadAsync(ct)) rows.Add(read(reader));
            return rows;
        }
        finally
        {
            if (!kept) command!.Dispose();
        }
    }

    /// <summary>Binds the values by name; a kept statement keeps its parameter objects (and their types).</summary>
    private static void Bind(DbCommand command, IReadOnlyList<KeyValuePair<string, object>> parameters)
    {
        var existing = command.Parameters;
        if (existing.Count == parameters.Count)
        {
            for (var i = 0; i < parameters.Count; i++) existing[i].Value = parameters[i].Value;
            return;
        }
        existing.Clear();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            existing.Add(parameter);
        }
    }

    public void Dispose()
    {
        foreach (var command in _statements.Values) command.Dispose();
        _statements.Clear();
        _connection.Dispose();
    }
}
