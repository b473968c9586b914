using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Puts <see cref="DatabaseOptions.MaxWaitSeconds"/> into the connection string, where the connection string does not
/// set a time of its own: how long opening a connection may take on the server engines (their default is 15 s), and on
/// SQLite how long a command retries while another connection holds the write lock (Microsoft.Data.Sqlite's default is
/// 30 s, on top of the busy timeout). Every connection the service opens, pooled or its own, is built from the result.
/// </summary>
public static class WaitBounds
{
    public static string Apply(DatabaseOptions options, string connectionString)
    {
        var seconds = options.MaxWaitSeconds;
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new SqliteConnectionStringBuilder(connectionString);
                if (!Sets(connectionString, "Default Timeout", "Command Timeout")) sqlite.DefaultTimeout = seconds;
                return sqlite.ToString();
            case DatabaseProvider.PostgreSql:
                var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
                if (!Sets(connectionString, "Timeout")) npgsql.Timeout = seconds;
                return npgsql.ToString();
            case DatabaseProvider.SqlServer:
                var sqlServer = new SqlConnectionStringBuilder(connectionString);
                if (!Sets(connectionString, "Connect Timeout", "Connection Timeout", "Timeout"))
                    sqlServer.ConnectTimeout = seconds;
                return sqlServer.ToString();
            default:
                return connectionString;
        }
    }

    /// <summary>Whether the connection string names one of <paramref name="keys"/> (spaces and case ignored).</summary>
    private static bool Sets(string connectionString, params string[] keys)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.Keys.Cast<string>().Any(key =>
            keys.Any(k => string.Equals(Squeezed(key), Squeezed(k), StringComparison.OrdinalIgnoreCase)));
    }

    private static string Squeezed(string key) => key.Replace(" ", "", StringComparison.Ordinal);
}
