using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerHealth.Server.Tests.Persistence;

/// <summary>Database:MaxWaitSeconds goes into each engine's connection string unless it sets its own time.</summary>
public sealed class WaitBoundsTests
{
    private static DatabaseOptions Options(DatabaseProvider provider) =>
        new() { Provider = provider, MaxWaitSeconds = 7 };

    [Fact]
    public void ConnectionStringsWithoutATimeGetTheBound()
    {
        Assert.Equal(7, new SqliteConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.Sqlite), "Data Source=x.db")).DefaultTimeout);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.PostgreSql), "Host=db;Database=ch")).Timeout);
        Assert.Equal(7, new SqlConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.SqlServer), "Server=db;Database=ch")).ConnectTimeout);
    }

    [Fact]
    public void ATimeTheConnectionStringSetsIsKept()
    {
        Assert.Equal(40, new SqliteConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.Sqlite), "Data Source=x.db;Default Timeout=40")).DefaultTimeout);
        Assert.Equal(40, new NpgsqlConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.PostgreSql), "Host=db;timeout=40")).Timeout);
        Assert.Equal(40, new SqlConnectionStringBuilder(
            WaitBounds.Apply(Options(DatabaseProvider.SqlServer), "Server=db;Connect Timeout=40")).ConnectTimeout);
    }
}
