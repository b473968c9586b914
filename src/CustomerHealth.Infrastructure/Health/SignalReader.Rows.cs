using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Days = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using Milestones = CustomerHealth.Infrastructure.Persistence.SqlSchema.Milestones;
using Plans = CustomerHealth.Infrastructure.Persistence.SqlSchema.OnboardingPlans;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The two sources with the most rows per batch read straight from a data reader into the domain's inputs on SQLite
/// and PostgreSQL (docs/adr/0081-recompute-reads-rows-through-data-readers.md): the account-day rollups (45 rows per
/// account and batch day span) and the onboarding plans with their milestones. EF Core's materialisation of these was
/// a third of the signal read's time. SQL Server, and <see cref="DirectReads"/> off, keep the EF Core queries.
/// </summary>
public sealed partial class SignalReader
{
    /// <summary>
    /// Whether SQLite and PostgreSQL read the account days and plans through a data reader (the default); off, every
    /// engine reads them through EF Core, the path the tests compare this one with.
    /// </summary>
    internal bool DirectReads { get; set; } = true;

    private bool ReadsDirectly => DirectReads && (db.Database.IsSqlite() || db.Database.IsNpgsql());

    /// <summary>Each account's daily rollups from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private async Task<Dictionary<string, List<DailyUsage>>> ReadDaysDirectlyAsync(
        AccountSelection ids, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = new Dictionary<string, List<DailyUsage>>(ids.Ids.Length, StringComparer.Ordinal);
        var sql = $"SELECT {Days.AccountId}, {Days.Day}, {Days.ActiveUsers}, {Days.Events} FROM {Days.Table} " +
            $"WHERE {ids.Sql(db, Days.AccountId)} AND {Days.Day} >= @from AND {Days.Day} <= @to";
        await db.Database.ReadRowsAsync(sql, [.. ids.Parameters(db), ("from", from), ("to", to)], r =>
        {
            var id = r.GetString(0);
            if (!days.TryGetValue(id, out var list)) days.Add(id, list = []);
            list.Add(new DailyUsage(r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt64(3)));
        }, ct);
        return days;
    }

    /// <summary>
    /// Each account's onboarding plan summary, as <see cref="OnboardingSummary.Of"/> makes it from the stored plan:
    /// milestones read in key order (the order the plan holds them in, which picks the first-value milestone), then
    /// ordered by position.
    /// </summary>
    private async Task<Dictionary<string, OnboardingSummary>> ReadPlansDirectlyAsync(
        AccountSelection ids, CancellationToken ct)
    {
        var starts = new Dictionary<string, DateOnly>(ids.Ids.Length, StringComparer.Ordinal);
        await db.Database.ReadRowsAsync(
            $"SELECT {Plans.AccountId}, {Plans.StartDate} FROM {Plans.Table} WHERE {ids.Sql(db, Plans.AccountId)}",
            ids.Parameters(db), r => starts[r.GetString(0)] = r.GetFieldValue<DateOnly>(1), ct);
        var milestones = new Dictionary<string, List<(MilestoneSummary Summary, int Position, bool Rule)>>(
            starts.Count, StringComparer.Ordinal);
        var firstValueRule = (int)MilestoneRuleKind.FirstValue;
        await db.Database.ReadRowsAsync(
            $"SELECT {Milestones.Key}, {Milestones.DueDay}, {Milestones.Position}, {Milestones.CompletedAt}, " +
            $"{Milestones.RuleKind} FROM {Milestones.Table} WHERE {ids.Sql(db, Milestones.AccountId)} " +
            $"ORDER BY {Milestones.Key}",
            ids.Parameters(db), r =>
            {
                var id = r.GetString(0);
                if (!milestones.TryGetValue(id, out var list)) milestones.Add(id, list = []);
                DateOnly? doneOn = r.IsDBNull(4) ? null : DateOnly.FromDateTime(r.GetFieldValue<DateTime>(4));
                list.Add((new MilestoneSummary(r.GetString(1), r.GetInt32(2), doneOn), r.GetInt32(3),
                    r.GetInt32(5) == firstValueRule));
            }, ct);
        return starts.ToDictionary(p => p.Key, p => Summary(p.Value, milestones.GetValueOrDefault(p.Key) ?? []),
            StringComparer.Ordinal);
    }

    /// <summary>A plan's summary: the first milestone of the first-value kind in key order, else the one keyed
    /// <c>first_value</c>, is its first value (<see cref="OnboardingPlan.FirstValueMilestone"/>).</summary>
    private static OnboardingSummary Summary(
        DateOnly start, List<(MilestoneSummary Summary, int Position, bool Rule)> milestones)
    {
        var firstValue = milestones.FindIndex(m => m.Rule);
        if (firstValue < 0) firstValue = milestones.FindIndex(m => m.Summary.Key == "first_value");
        return new OnboardingSummary(start, milestones
            .Select((m, i) =>
                (m.Position, Summary: i == firstValue ? m.Summary with { IsFirstValue = true } : m.Summary))
            .OrderBy(m => m.Position)
            .Select(m => m.Summary)
            .ToArray());
    }
}
