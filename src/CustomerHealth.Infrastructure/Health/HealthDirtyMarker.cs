using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// Marks an account for health recompute whenever a <c>SaveChanges</c> adds, changes or deletes something its score
/// reads: the account itself (tier, owner), its contracts and outcomes, NPS answers, tickets, touchpoints, onboarding
/// plan and milestones. The mark is one more inserted row of the same <c>SaveChanges</c>, so it commits with the change
/// or not at all. Ingestion writes with its own SQL and marks its accounts itself, through the same <see
/// cref="HealthRecomputeMarks"/>.
/// </summary>
public sealed class HealthDirtyMarker(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Mark(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Mark(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>The account of each tracked contract's outcome, by reference (one pass, however many outcomes
    /// changed).</summary>
    private static Dictionary<object, string> OutcomeOwners(DbContext context)
    {
        var owners = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        foreach (var entry in context.ChangeTracker.Entries<Contract>())
        {
            if (entry.Entity.Outcome is { } outcome) owners.TryAdd(outcome, entry.Entity.AccountId);
        }
        return owners;
    }

    private void Mark(DbContext? context)
    {
        if (context is null or Persistence.CustomerHealthDbContext { RecomputeMarksWrittenByCaller: true }) return;
        var touched = TouchedAccounts(context);
        if (touched.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in touched) HealthRecomputeMarks.Add(context, id, now);
    }

    /// <summary>
    /// The accounts whose scores the pending changes of <paramref name="context"/> make stale (those deleted left out):
    /// the marks its next <c>SaveChanges</c> adds. A writer that writes rows of its own beside EF Core's changes writes
    /// these marks with its own (<see cref="Persistence.CustomerHealthDbContext.RecomputeMarksWrittenByCaller"/>), so
    /// each account gets one mark.
    /// </summary>
    internal static SortedSet<string> TouchedAccounts(DbContext context)
    {
        context.ChangeTracker.DetectChanges();
        var deletedAccounts = new HashSet<string>(StringComparer.Ordinal);
        var touched = new SortedSet<string>(StringComparer.Ordinal);
        Dictionary<object, string>? outcomeOwners = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var accountId = entry.Entity switch
            {
                Account a => a.Id,
                Contract c => c.AccountId,
                Contact c => c.AccountId,
                NpsResponse n => n.AccountId,
                SupportTicket t => t.AccountId,
                Touchpoint t => t.AccountId,
                OnboardingPlan p => p.AccountId,
                Milestone m => m.AccountId,
                // An outcome is owned by its contract: a first outcome is an added entry of its own while the contract
                // itself may look unchanged (same clock tick), so find the contract that holds it.
                RenewalOutcome o => (outcomeOwners ??= OutcomeOwners(context)).GetValueOrDefault(o),
                _ => null,
            };
            if (accountId is null) continue;
            if (entry.Entity is Account && entry.State == EntityState.Deleted) deletedAccounts.Add(accountId);
            touched.Add(accountId);
        }
        touched.ExceptWith(deletedAccounts);
        return touched;
    }
}
