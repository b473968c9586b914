using System.Globalization;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Plays;
using CustomerHealth.Lab;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.Synthetic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Health;

public sealed class SetBasedRecomputeOnSqlite(SqliteTestDatabase database)
    : SetBasedRecomputeTests<SqliteTestDatabase>(database)
{
    /// <summary>
    /// The full recompute stores on one connection without SQLite's foreign-key probes and with a checkpoint
    /// threshold and a page cache of its own (docs/adr/0079-set-based-recompute-writes.md): the pooled connections it
    /// leaves behind check foreign keys and keep SQLite's threshold and cache size again.
    /// </summary>
    [Fact]
    public async Task TheRecomputesConnectionGoesBackToThePoolAsItCame()
    {
        await LoadPortfolioAsync();
        await RecomputeDayAsync(
            Service.Services.GetRequiredService<HealthRowWriter>(), DateOnly.FromDateTime(DefaultNow.UtcDateTime));

        // Several connections at once, so that the one the recompute used is among them.
        var pragmas = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Service.InDatabaseAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(Ct);
            async Task<object?> PragmaAsync(string name)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA {name};";
                return await command.ExecuteScalarAsync(Ct);
            }
            return $"{await PragmaAsync("foreign_keys")} {await PragmaAsync("wal_autocheckpoint")}"
                + $" {await PragmaAsync("cache_size")}";
        })));
        Assert.All(pragmas, p => Assert.Equal("1 1000 -2000", p));
    }
}

public sealed class SetBasedRecomputeOnPostgreSql(PostgreSqlTestDatabase database)
    : SetBasedRecomputeTests<PostgreSqlTestDatabase>(database);

public sealed class SetBasedRecomputeOnSqlServer(SqlServerTestDatabase database)
    : SetBasedRecomputeTests<SqlServerTestDatabase>(database);

/// <summary>
/// The engine's recompute writer (set-based on PostgreSQL and SQLite, docs/adr/0079-set-based-recompute-writes.md)
/// stores exactly what the change-tracker path stores, byte for byte as the database holds it: on a generated
/// portfolio, a full recompute of today (inserts), another one later that day (updates and change-feed entries) and
/// one of a past day (snapshots only); with the plays the rules open, their feed and the webhook events (ids, which
/// only grow, and each event's random id left out). The worker waits an hour, so only these recomputes write.
/// </summary>
public abstract partial class SetBasedRecomputeTests<TDatabase>(TDatabase database)
    : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Health:RecomputeInterval"] = "01:00:00",
        ["Health:DailyPass"] = "false",
    };

    [Fact]
    public async Task TheEnginesWriterStoresWhatTheChangeTrackerStores()
    {
        await LoadPortfolioAsync();

        var enginesWriter = Service.Services.GetRequiredService<HealthRowWriter>();
        var tracked = await RecomputeAsync(new HealthRowWriter());
        var engine = await RecomputeAsync(enginesWriter);

        // SQL Server keeps the change-tracker path; the other engines have their own writer.
        Assert.Equal(
            Database.Provider != DatabaseProvider.SqlServer, enginesWriter.GetType() != typeof(HealthRowWriter));
        Assert.Equal(40, tracked.Count(r => r.StartsWith("health_scores ", StringComparison.Ordinal)));
        Assert.Contains(tracked, r => r.StartsWith("health_changes ", StringComparison.Ordinal));
        Assert.Contains(tracked, r => r.StartsWith("plays ", StringComparison.Ordinal));
        Assert.Contains(tracked, r => r.StartsWith("play_changes ", StringComparison.Ordinal));
        Assert.Contains(tracked, r => r.StartsWith("webhook_events ", StringComparison.Ordinal));
        Assert.Equal(tracked, engine);
    }

    /// <summary>The generated portfolio of 40 accounts every test recomputes (the tests share one database).</summary>
    protected async Task LoadPortfolioAsync()
    {
        if (await Service.InDatabaseAsync(db => db.Accounts.AnyAsync(Ct))) return;
        var options = new PortfolioOptions
        {
            Accounts = 40, Seed = 5, Today = DateOnly.FromDateTime(DefaultNow.UtcDateTime), ActivityDays = 75,
            AccountPrefix = "sb-",
        };
        await PortfolioWriter(chunkSize: 10).WriteAsync(PortfolioGenerator.Generate(options), truth: null, Ct);
    }

    /// <summary>
    /// From empty health tables: today's recompute, a second one three hours later, then 2026-03-01's; every row of
    /// the three tables afterwards, the change feed in sequence order.
    /// </summary>
    private async Task<string[]> RecomputeAsync(HealthRowWriter writer)
    {
        await Service.InDatabaseAsync(async db =>
        {
            await db.WebhookEvents.ExecuteDeleteAsync(Ct);
            await db.PlayChanges.ExecuteDeleteAsync(Ct);
            await db.Plays.ExecuteDeleteAsync(Ct);
            await db.HealthChanges.ExecuteDeleteAsync(Ct);
            await db.HealthSnapshots.ExecuteDeleteAsync(Ct);
            return await db.HealthScores.ExecuteDeleteAsync(Ct);
        });
        Clock.Set(DefaultNow);
        var today = DateOnly.FromDateTime(DefaultNow.UtcDateTime);
        await RecomputeDayAsync(writer, today);
        Clock.Set(DefaultNow.AddHours(3));
        await RecomputeDayAsync(writer, today);
        await RecomputeDayAsync(writer, new DateOnly(2026, 3, 1));
        return
        [
            .. await RowsAsync("health_scores", "account_id"),
            .. await RowsAsync("health_snapshots", "account_id, day"),
            .. await RowsAsync("health_changes", "sequence"),
            .. await RowsAsync("plays", "account_id, rule_kind, opened_at, status"),
            .. await RowsAsync(
                "play_changes", "SELECT c.*, p.rule_kind FROM play_changes c JOIN plays p ON p.play_id = c.play_id "
                + "ORDER BY c.sequence"),
            .. await RowsAsync("webhook_events", "id"),
        ];
    }

    protected async Task RecomputeDayAsync(HealthRowWriter writer, DateOnly day)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        var plays = ActivatorUtilities.CreateInstance<PlayEvaluator>(scope.ServiceProvider, writer);
        var recomputer = ActivatorUtilities.CreateInstance<HealthRecomputer>(scope.ServiceProvider, writer, plays);
        var done = await recomputer.RecomputeDayAsync(day, batchSize: 7, Caller.Service("test"), Ct);
        Assert.Equal(40, done.Accounts);
    }

    /// <summary>
    /// Every row of a table as the database returns it (<paramref name="orderOrQuery"/>: the order, or the whole
    /// query), the generated keys left out (they only grow), the webhook bodies' own ids blanked and the dispatcher's
    /// stamp left out (it is not the recompute's).
    /// </summary>
    private Task<string[]> RowsAsync(string table, string orderOrQuery) => Service.InDatabaseAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = orderOrQuery.StartsWith("SELECT", StringComparison.Ordinal) ? orderOrQuery
            : $"SELECT * FROM {table} ORDER BY {orderOrQuery}";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            var cells = Enumerable.Range(0, reader.FieldCount)
                .Where(i => reader.GetName(i) is not ("sequence" or "play_id" or "id" or "event_id" or "fanned_out_at"))
                .Select(i => $"{reader.GetName(i)}={Text(reader.GetValue(i))}");
            rows.Add($"{table} {string.Join(" ", cells)}");
        }
        return rows.ToArray();
    });

    private static string Text(object value) => value switch
    {
        DBNull => "null",
        string s when s.Contains("\"evt_", StringComparison.Ordinal) => GeneratedIds().Replace(s, "#"),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A webhook body's event id and play id: generated, so different between the two paths.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("evt_[0-9a-f]{32}|\"play_id\": ?[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex GeneratedIds();
}
