using System.Diagnostics;
using System.Globalization;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Where a read-cache miss of <c>GetHealthScore</c> spends its time, one step at a time on one caller: each step is
/// repeated over random accounts and timed by this process's CPU time (which does not depend on the machine's load)
/// and by the wall clock. The steps nest: the DbContext path's scope, its connection (EF Core's SQLite provider
/// registers its functions on every connection object), the whole store read; then the hot read and the mapping.
/// </summary>
internal static class MissProfile
{
    public static async Task<IReadOnlyList<string>> RunAsync(
        IServiceProvider services, string[] ids, int repetitions, CancellationToken ct)
    {
        var random = new Random(7);
        string Pick() => ids[random.Next(ids.Length)];
        var lines = new List<string>();
        async Task Step(string name, Func<Task> step, int? times = null)
        {
            var n = times ?? repetitions;
            for (var i = 0; i < Math.Min(200, n); i++) await step(); // warm, unmeasured
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++) await step();
            var cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / n;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {cpuMicros:N1} | {clock.Elapsed.TotalMilliseconds * 1000 / n:N1} |"));
        }
        var reader = services.GetRequiredService<HealthScoreReader>();
        var sample = await reader.TryGetAsync(ids[0], DateTimeOffset.UtcNow, ct);
        await Step("a scope with HealthStore and its DbContext (not opened)", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<HealthStore>();
        });
        await Step("… and its connection opened and closed (EF Core's SQLite functions, pragmas checked)", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.CloseConnectionAsync();
        });
        await Step("DbContext path: scope + HealthStore.GetAsync (one query, override joined)", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<HealthStore>().GetAsync(Pick(), ct);
        });
        if (reader.Enabled)
            await Step("hot read: HealthScoreReader.TryGetAsync (kept connection, prepared statement)",
                () => reader.TryGetAsync(Pick(), DateTimeOffset.UtcNow, ct));
        if (reader.Enabled)
        {
            // The same reads from 64 callers at once, as the closed loop's 64 calls in flight make them (no gRPC):
            // the wall time per read is the inverse of the reads' throughput on the kept connections.
            const int callers = 64, each = 16;
            await Step($"hot read, {callers} callers at once on {HealthScoreReader.MaxConnections} kept connections " +
                "(per read; wall: 1 / reads per second)", () => Task.WhenAll(Enumerable.Range(0, callers).Select(_ =>
                    Task.Run(async () =>
                    {
                        for (var i = 0; i < each; i++)
                            await reader.TryGetAsync(ids[Random.Shared.Next(ids.Length)], DateTimeOffset.UtcNow, ct);
                    }, ct))), Math.Max(1, repetitions / (callers * each)));
            lines[^1] = PerRead(lines[^1], callers * each);
        }
        if (sample is not null) await Step("mapping the row to the message (detail JSON parsed)", () =>
        {
            sample.ToProto();
            return Task.CompletedTask;
        });
        await BatchStepsAsync(services, Pick, (name, step) => Step(name, step, Math.Max(1, repetitions / 10)), ct);
        return lines;
    }

    /// <summary>A step's line with its figures divided by the reads it made each time.</summary>
    private static string PerRead(string line, int reads)
    {
        var cells = line.Split(" | ");
        string Per(string cell) => (double.Parse(cell.Trim(' ', '|'), NumberStyles.Number, CultureInfo.InvariantCulture)
            / reads).ToString("N1", CultureInfo.InvariantCulture);
        return $"{cells[0]} | {Per(cells[1])} | {Per(cells[2])} |";
    }

    /// <summary>BatchGetHealthScores' store read (before and after ADR 0077) and its mapping, per batch of 100 random
    /// accounts.</summary>
    private static async Task BatchStepsAsync(
        IServiceProvider services, Func<string> pick, Func<string, Func<Task>, Task> step, CancellationToken ct)
    {
        string[] Batch() => [.. Enumerable.Range(0, 100).Select(_ => pick())];
        await step("batch of 100: scope + HealthStore.BatchGetAsync (scores, then overrides)", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<HealthStore>().BatchGetAsync(Batch(), ct);
        });
        var reader = services.GetRequiredService<HealthScoreReader>();
        if (reader.Enabled)
            await step("batch of 100: hot read HealthScoreReader.GetManyAsync (one statement, overrides joined)",
                () => reader.GetManyAsync(Batch(), DateTimeOffset.UtcNow, ct));
        await using var scope = services.CreateAsyncScope();
        var (rows, _) = await scope.ServiceProvider.GetRequiredService<HealthStore>().BatchGetAsync(Batch(), ct);
        await step("batch of 100: mapping the rows to messages", () =>
        {
            foreach (var row in rows) row.ToProto();
            return Task.CompletedTask;
        });
    }
}
