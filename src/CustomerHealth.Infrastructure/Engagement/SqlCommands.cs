using System.Data.Common;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Small helpers for the hand-written, provider-neutral SQL of the bulk paths (ADO.NET on EF Core's connection).
/// </summary>
internal static class SqlCommands
{
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Adds one parameter per value (<c>@prefix0, @prefix1, ...</c>) and returns the SQL list of their names.
    /// </summary>
    public static string AddList(this DbCommand command, string prefix, IEnumerable<object> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"@{prefix}{names.Count}";
            command.Add(name, value);
            names.Add(name);
        }
        return string.Join(", ", names);
    }

    public static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, transaction, sql);
        foreach (var (name, value) in parameters) command.Add(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
