using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>A proposal with the scorecard it was measured against and what was left out.</summary>
/// <param name="Skipped">Outcomes left out: their lead day is still ahead, or their account no longer exists.</param>
public sealed record ScorecardProposalReport(
    int LeadDays, ScorecardVersion Current, ScorecardProposal Proposal, int Skipped);

/// <summary>
/// Proposes a scorecard fitted to the recorded renewal outcomes (<see cref="ScorecardFitter"/>): each contract with an
/// outcome (renewed or churned) whose lead day (<c>renewal date − lead days</c>) is not ahead is read as of the end of
/// that day (now, for today) from the stored aggregates (<see cref="SignalReader.ReadManyAsync"/>, in chunks sorted by
/// instant, usage-rate metrics included), never from raw events. It writes nothing: an operator adopts the proposal
/// with ReplaceScorecard.
/// </summary>
public sealed class ScorecardProposer(
    CustomerHealthDbContext db, SignalReader signals, ScorecardStore scorecards, TimeProvider clock)
{
    public const int BatchSize = 500;

    /// <summary>The proposal for outcomes of contracts ending from <paramref name="from"/> on (null: any).</summary>
    public async Task<ScorecardProposalReport> ProposeAsync(
        int leadDays, FitOptions options, DateOnly? from, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var first = from ?? DateOnly.MinValue;
        var contracts = await db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.EndDate <= today.AddDays(leadDays) && c.EndDate >= first)
            .Select(c => new { c.Id, c.AccountId, c.EndDate, c.Outcome!.Kind })
            .ToListAsync(ct);
        var outcomes = contracts
            .Where(c => c.Kind is RenewalOutcomeKind.Renewed or RenewalOutcomeKind.Churned).ToArray();
        var allOutcomes = await db.Contracts.AsNoTracking().CountAsync(c => c.Outcome != null && c.EndDate >= first
            && (c.Outcome.Kind == RenewalOutcomeKind.Renewed || c.Outcome.Kind == RenewalOutcomeKind.Churned), ct);
        var current = await scorecards.GetCurrentAsync(ct);
        var historyDays = Math.Max(current.Scorecard.UsageHistoryDays, UsageRates.LookbackDays);

        var cases = new List<FitCase>(outcomes.Length);
        var requests = outcomes
            .Select(o => (o, AsOf: Min(HealthRecomputer.EndOf(o.EndDate.AddDays(-leadDays)), now)))
            .OrderBy(x => x.AsOf).ThenBy(x => x.o.AccountId, StringComparer.Ordinal)
            .ToArray();
        foreach (var chunk in requests.Chunk(BatchSize))
        {
            var pairs = chunk.Select(x => new SignalRequest(x.o.AccountId, x.AsOf)).ToArray();
            var read = await db.InOneSnapshotAsync(() => signals.ReadManyAsync(pairs, historyDays, ct), ct);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (read[i] is not { } r) continue;
                var o = chunk[i].o;
                cases.Add(new FitCase(o.EndDate, o.Id, o.Kind == RenewalOutcomeKind.Renewed, r.Signals));
            }
        }
        var proposal = ScorecardFitter.Propose(cases, current.Scorecard, options);
        return new ScorecardProposalReport(leadDays, current, proposal, allOutcomes - cases.Count);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
