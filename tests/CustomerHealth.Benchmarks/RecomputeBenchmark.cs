using System.Diagnostics;
using System.Globalization;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Issue 24: a full recompute of every account of an existing portfolio (goal under <see cref="GoalSeconds"/>, floor
/// <see cref="FloorSeconds"/>, in under 1 GiB), beside the time just to read the same signals. In one process, on one
/// database, one after the other:
/// <list type="number">
/// <item>read: every account's signals as of now, <c>--batch-size</c> accounts at a time in account id order, exactly
/// as the recompute reads them (<see cref="SignalReader"/>, usage-rate metrics only when the scorecard in force has
/// metric components), nothing scored or stored;</item> <item>recompute:
/// <c>HealthService/RecomputeHealthScores</c> for today over gRPC (scores, snapshots and change feed written);</item>
/// <item>read again, to show how much of the difference is the database's cache.</item>
/// </list>
/// Each phase reports its wall time, this process's CPU time and its peak working set (the high-water mark is reset
/// before it). The run exits non-zero when the recompute misses the floor or the memory goal.
/// </summary>
internal static class RecomputeBenchmark
{
    public const double GoalSeconds = 10;
    public const double FloorSeconds = 20;
    public const long GoalBytes = 1L << 30;

    public static async Task<int> RunAsync(
        ExistingDatabase database, int batchSize, bool readAgain, TextWriter log, CancellationToken ct)
    {
        var load = new List<string> { Machine.LoadAverage() };
        log.WriteLine(
            $"Recompute benchmark on {database.Description}; batches of {batchSize:N0}. Load average: {load[0]}");
        await using var server = await InProcessServer.StartAsync(
            database.ServerSettings, ct, ExistingDatabase.HealthOptionsOnly(batchSize));
        var accounts = await CountAccountsAsync(server, ct);
        log.WriteLine($"{accounts:N0} accounts.");

        var databaseCpu = await DatabaseCpu.TryCreateAsync(database, ct);
        var phases = new List<Phase>();
        Task<Phase> MeasureAsync(string name, TextWriter log, Func<Task<int>> work) =>
            RecomputeBenchmark.MeasureAsync(name, log, databaseCpu, work);
        phases.Add(
            await MeasureAsync(
                "read signals (SignalReader, no scoring, nothing stored)", log,
                () => ReadAllAsync(server, batchSize, ct)));
        load.Add(Machine.LoadAverage());
        var health = new HealthService.HealthServiceClient(server.Channel);
        phases.Add(await MeasureAsync(
            "full recompute (RecomputeHealthScores for today: read, score, store)", log,
            () => RecomputeTodayAsync(health, ct)));
        load.Add(Machine.LoadAverage());
        if (readAgain)
        {
            phases.Add(await MeasureAsync("read signals again", log, () => ReadAllAsync(server, batchSize, ct)));
            load.Add(Machine.LoadAverage());
        }

        WriteTable(database, load, phases, log);
        var c = CultureInfo.InvariantCulture;
        var recompute = phases[1];
        log.WriteLine();
        log.WriteLine(
            string.Create(c, $"Recompute / read: {recompute.Wall.TotalSeconds / phases[0].Wall.TotalSeconds:N2}×."));
        log.WriteLine("Goals:");
        var seconds = recompute.Wall.TotalSeconds;
        log.WriteLine(
            Goal(seconds < GoalSeconds, string.Create(c, $"full recompute under {GoalSeconds:N0} s: {seconds:N1} s")));
        log.WriteLine(Goal(seconds < FloorSeconds, string.Create(c, $"floor: under {FloorSeconds:N0} s")));
        log.WriteLine(
            Goal(
                recompute.PeakBytes < GoalBytes,
                $"peak working set under 1 GiB: {PeakMemory.MiB(recompute.PeakBytes)}"));
        return recompute.Accounts == accounts && seconds < FloorSeconds && recompute.PeakBytes < GoalBytes ? 0 : 1;
    }

    private static async Task<int> RecomputeTodayAsync(HealthService.HealthServiceClient health, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var answer = await health.RecomputeHealthScoresAsync(
            new RecomputeHealthScoresRequest
            {
                AsOfDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
            },
            deadline: DateTime.UtcNow.AddHours(2), cancellationToken: ct);
        return answer.AccountCount;
    }

    private static void WriteTable(ExistingDatabase database, List<string> load, List<Phase> phases, TextWriter log)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        log.WriteLine(
            $"Machine: {Machine.Describe()}. Database: {database.Description}. Load average (1, 5, 15 min) at the " +
            $"start and after each phase: {string.Join(" | ", load)}.");
        log.WriteLine();
        log.WriteLine(
            $"Recompute readers: {Infrastructure.Health.HealthRecomputer.ReadAhead} batches read ahead. The " +
            $"database's CPU is its server processes' (postmaster and children), when it runs on this machine.");
        log.WriteLine();
        log.WriteLine(
            "| phase | accounts | wall s | accounts/s | CPU s (this process) | CPU s (database server) | peak " +
            "working set |");
        log.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in phases)
            log.WriteLine(
                string.Create(
                    c,
                    $"| {p.Name} | {p.Accounts:N0} | {p.Wall.TotalSeconds:N1} | " +
                    $"{p.Accounts / p.Wall.TotalSeconds:N0} | {p.Cpu.TotalSeconds:N1} | " +
                    $"{(p.DatabaseCpu is { } d ? d.TotalSeconds.ToString("N1", c) : "n/a")} | " +
                    $"{PeakMemory.MiB(p.PeakBytes)} |"));
    }

    private sealed record Phase(
        string Name, int Accounts, TimeSpan Wall, TimeSpan Cpu, TimeSpan? DatabaseCpu, long PeakBytes);

    private static async Task<Phase> MeasureAsync(
        string name, TextWriter log, DatabaseCpu? databaseCpu, Func<Task<int>> work)
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var resetOk = PeakMemory.Reset();
        log.WriteLine(
            $"[{DateTime.UtcNow:HH:mm:ss}] " +
            $"{name}…{(resetOk ? "" : " (peak working set could not be reset: it is the process's)")}");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var dbCpu = databaseCpu?.Now();
        var clock = Stopwatch.StartNew();
        var accounts = await work();
        clock.Stop();
        var phase = new Phase(
            name, accounts, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu, databaseCpu?.Now()
            - dbCpu, PeakMemory.PeakBytes());
        log.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"[{DateTime.UtcNow:HH:mm:ss}]   {accounts:N0} accounts in {phase.Wall.TotalSeconds:N1} s, peak " +
                $"{PeakMemory.MiB(phase.PeakBytes)}"));
        return phase;
    }

    /// <summary>
    /// Every account's signals, in account id order, a batch at a time, as <see
    /// cref="HealthRecomputer.RecomputeDayAsync"/> pages them.
    /// </summary>
    private static async Task<int> ReadAllAsync(InProcessServer server, int batchSize, CancellationToken ct)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();
        var reader = scope.ServiceProvider.GetRequiredService<SignalReader>();
        var scorecard = (await scope.ServiceProvider.GetRequiredService<ScorecardStore>().GetCurrentAsync(ct))
            .Scorecard;
        var asOf = DateTimeOffset.UtcNow;
        var total = 0;
        string? after = null;
        while (true)
        {
            var query = db.Accounts.AsNoTracking();
            if (after is not null) query = query.Where(a => string.Compare(a.Id, after) > 0);
            var ids = await query.OrderBy(a => a.Id).Select(a => a.Id).Take(batchSize).ToArrayAsync(ct);
            if (ids.Length == 0) break;
            // In one snapshot per batch, as the recompute reads (on PostgreSQL, the reads' session settings too).
            total += (await db.InOneSnapshotAsync(() => reader.ReadAsync(
                ids, asOf, scorecard.UsageHistoryDays, ct, metrics: scorecard.MetricComponents.Count > 0,
                new AccountIdRange(ids[0], ids[^1])), ct)).Count;
            if (ids.Length < batchSize) break;
            after = ids[^1];
        }
        return total;
    }

    private static async Task<int> CountAccountsAsync(InProcessServer server, CancellationToken ct)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>().Accounts.CountAsync(ct);
    }

    private static string Goal(bool met, string text) => $"  [{(met ? "met" : "NOT met")}] {text}";
}
