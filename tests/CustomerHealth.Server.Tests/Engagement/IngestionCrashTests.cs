using System.Collections.Concurrent;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;

namespace CustomerHealth.Server.Tests.Engagement;

/// <summary>
/// The kill -9 durability check of ingestion (docs/adr/0023-acknowledge-after-a-durable-commit.md): the built server,
/// on SQLite, is killed (SIGKILL, no shutdown) while a stream is sending batches faster than they are committed; then
/// the database file is opened as the next start would open it. Every acknowledged event must be there, every batch
/// whole or absent, and the rollups must count exactly the stored events.
/// </summary>
public sealed class IngestionCrashTests
{
    private const int BatchSize = 500;
    private const int Batches = 400;
    private const int AcknowledgedBeforeKill = 20;
    private const string Source = "crash";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoAcknowledgedEventIsLostWhenTheServerIsKilledMidStream()
    {
        var folder = Directory.CreateTempSubdirectory("crash-server-").FullName;
        var data = Directory.CreateTempSubdirectory("crash-data-").FullName;
        try
        {
            var (acknowledged, sent) = await StreamUntilKilledAsync(folder, data);

            var file = Path.Combine(data, "customerhealth.db");
            await using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
            await db.OpenAsync(Ct);
            var perBatch = await CountPerBatchAsync(db);
            var stored = perBatch.Values.Sum();
            var rolledUp = await ScalarAsync(db, "SELECT COALESCE(SUM(events), 0) FROM user_daily_activity");

            Assert.True(acknowledged.Count >= AcknowledgedBeforeKill, $"{acknowledged.Count} acknowledged");
            Assert.True(acknowledged.Count < sent, $"all {sent} batches were answered before the kill");
            Assert.All(acknowledged, b => Assert.Equal(BatchSize, perBatch.GetValueOrDefault(b)));
            Assert.All(perBatch, kv => Assert.Equal(BatchSize, kv.Value));
            Assert.Equal(stored, rolledUp);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// Streams <see cref="Batches"/> batches without waiting for answers and kills the server once <see
    /// cref="AcknowledgedBeforeKill"/> are answered; returns the batches answered and how many were sent.
    /// </summary>
    private static async Task<(IReadOnlyCollection<long> Acknowledged, int Sent)> StreamUntilKilledAsync(
        string folder, string data)
    {
        var address = new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}");
        var server = await ServerProcess.StartAsync(folder, $"--Kestrel:Endpoints:Grpc:Url={address}",
            $"--DataDirectory={data}");
        var acknowledged = new ConcurrentBag<long>();
        var (sent, killed) = (0, false);
        try
        {
            var token = (await File.ReadAllTextAsync(Path.Combine(data, "dev-auth", "token"), Ct)).Trim();
            using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                Credentials = ServiceUnderTest.WithBearer(token),
                UnsafeUseInsecureChannelCallCredentials = true,
            });
            var accounts = new AccountService.AccountServiceClient(channel);
            for (var a = 0; a < 10; a++)
            {
                await accounts.UpsertAccountAsync(
                    new() { Account = Build.Account($"crash-{a}") }, cancellationToken: Ct);
            }

            using var call = new EngagementService.EngagementServiceClient(channel).StreamEvents(cancellationToken: Ct);
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reading = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(Ct))
                {
                    acknowledged.Add(call.ResponseStream.Current.BatchSequence);
                    if (acknowledged.Count >= AcknowledgedBeforeKill) enough.TrySetResult();
                }
            }, Ct);
            var writing = Task.Run(async () =>
            {
                for (var b = 1; b <= Batches; b++)
                {
                    await call.RequestStream.WriteAsync(Batch(b), Ct);
                    Interlocked.Increment(ref sent);
                }
            }, Ct);
            await Task.WhenAny(enough.Task, reading, Task.Delay(TimeSpan.FromMinutes(3), Ct));
            killed = true;
            await server.DisposeAsync(); // SIGKILL: no shutdown, no last commit
            await Task.WhenAll(reading, writing).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        finally
        {
            if (!killed) await server.DisposeAsync();
        }
        return (acknowledged.ToArray(), Volatile.Read(ref sent));
    }

    private static StreamEventsRequest Batch(int sequence)
    {
        var batch = new StreamEventsRequest { Source = Source, BatchSequence = sequence };
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < BatchSize; i++)
        {
            batch.Events.Add(new UsageEvent
            {
                EventId = $"b{sequence}-e{i}",
                AccountId = $"crash-{i % 10}",
                UserId = $"u{(sequence * 7 + i) % 50}",
                EventName = i % 3 == 0 ? "login" : "report_viewed",
                OccurTime = Timestamp.FromDateTimeOffset(now.AddHours(-1 - (sequence + i) % 200)),
            });
        }
        return batch;
    }

    /// <summary>The stored events of each batch, by its sequence (event ids are <c>b{sequence}-e{i}</c>).</summary>
    private static async Task<Dictionary<long, int>> CountPerBatchAsync(SqliteConnection db)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT event_id FROM usage_events WHERE source = $source";
        command.Parameters.AddWithValue("$source", Source);
        var perBatch = new Dictionary<long, int>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var id = reader.GetString(0);
            var sequence = long.Parse(id.AsSpan(1, id.IndexOf('-', StringComparison.Ordinal) - 1),
                System.Globalization.CultureInfo.InvariantCulture);
            perBatch[sequence] = perBatch.GetValueOrDefault(sequence) + 1;
        }
        return perBatch;
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
