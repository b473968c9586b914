using System.Diagnostics;
using CustomerHealth.Server.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace CustomerHealth.Server.Tests.Outages;

/// <summary>
/// SQLite's version of an outage: another process holds the write lock (a backup, a maintenance script). Writes answer
/// UNAVAILABLE with DATABASE_UNAVAILABLE within <c>Database:MaxWaitSeconds</c> instead of waiting behind it for half a
/// minute, reads go on (write-ahead log), and everything succeeds once the lock is released.
/// </summary>
public sealed class SqliteOutageTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Database:MaxWaitSeconds"] = "2",
    };

    [Fact]
    public async Task WritesAnswerUnavailableWhileAnotherProcessHoldsTheWriteLock()
    {
        var calls = new OutageCalls(Service.Channel, Ct);
        await calls.Write();
        await calls.Ingest();

        var held = Stopwatch.StartNew();
        await using (var other = new SqliteConnection(Database.ConnectionString))
        {
            await other.OpenAsync(Ct);
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE;";
            await hold.ExecuteNonQueryAsync(Ct);

            OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, () => calls.Write("locked-out")));
            OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, calls.Ingest));
            OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, () => calls.Stream(batches: 1)));
            await calls.Read();
            TestContext.Current.SendDiagnosticMessage(
                "SQLite write lock held: three writes answered UNAVAILABLE in {0:N0} ms in all (bound: 2 s each).",
                held.Elapsed.TotalMilliseconds);
        }

        await calls.Write("locked-out");
        await calls.Ingest();
        await calls.Stream(batches: 2);
    }
}
