using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Onboarding;

/// <summary>An overdue milestone with its account, for CSM work queues.</summary>
public sealed record OverdueItem(
    string AccountId, string DisplayName, string? Owner, CsTier Tier, string Key, string Title, DateOnly DueDate);

/// <summary>
/// Filters of the overdue work queue; null means any. Churned accounts (lifecycle stage CHURNED in their current
/// score) are left out unless <paramref name="IncludeChurned"/>; <paramref name="MaxDaysOverdue"/> leaves out what is
/// longer overdue.
/// </summary>
public sealed record OverdueFilter(
    string? Owner, CsTier? Tier, string? Segment = null, bool IncludeChurned = false, int? MaxDaysOverdue = null);

/// <summary>Where the previous page of overdue milestones ended.</summary>
public sealed record OverdueCursor(DateOnly DueDate, string AccountId, string Key);

/// <summary>Templates, plans, manual and automatic completion, and the overdue work queue.</summary>
public sealed class OnboardingStore(CustomerHealthDbContext db, EventCatalogueStore catalogues, TimeProvider clock)
{
    /// <summary>How often a write that lost a race with an identical one (a client and its retry) starts
    /// over.</summary>
    private const int MaxAttempts = 10;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public DateOnly Today => DateOnly.FromDateTime(Now);

    /// <summary>The template in force for a tier: its newest stored version, or the built-in version 1.</summary>
    public async Task<PlanTemplate> GetTemplateAsync(CsTier tier, CancellationToken ct)
    {
        var row = await db.PlanTemplates.AsNoTracking().Where(t => t.Tier == (int)tier)
            .OrderByDescending(t => t.Version).FirstOrDefaultAsync(ct);
        return row is null ? DefaultPlanTemplates.For(tier)
            : new PlanTemplate(
                tier, row.Version, TemplateJson.Deserialize(row.MilestonesJson), row.CreatedAt, row.CreatedBy);
    }

    /// <summary>Stores a new version of a tier's template. Plans already created keep the version they have.</summary>
    public async Task<PlanTemplate> ReplaceTemplateAsync(
        CsTier tier, IReadOnlyList<MilestoneTemplate> milestones, Caller caller, CancellationToken ct)
    {
        PlanTemplate.Validate(milestones);
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetTemplateAsync(tier, ct);
            var row = new PlanTemplateRow
            {
                Tier = (int)tier, Version = current.Version + 1, MilestonesJson = TemplateJson.Serialize(milestones),
                CreatedAt = Now, CreatedBy = caller.Identity,
            };
            db.PlanTemplates.Add(row);
            var change = new AuditedChange(AuditAction.PlanTemplateReplaced, AuditTargets.PlanTemplate,
                System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(tier.ToString()),
                TemplateJson.Serialize(current.Milestones), row.MilestonesJson, new { row.Version });
            AuditTrail.Add(db, caller, change, row.CreatedAt);
            try
            {
                await db.SaveChangesAsync(ct);
                return new PlanTemplate(tier, row.Version, milestones, row.CreatedAt, row.CreatedBy);
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // another replacement took this version number: take the next
                if (attempt == MaxAttempts) throw LostTooManyRaces(ex);
            }
        }
    }

    public async Task<OnboardingPlan> GetPlanAsync(string accountId, CancellationToken ct) =>
        await FindPlanAsync(accountId, ct) ?? throw await MissingPlanAsync(accountId, ct);

    /// <summary>The account's plan with its milestones in order, or null when it has none (one query).</summary>
    public async Task<OnboardingPlan?> FindPlanAsync(string accountId, CancellationToken ct)
    {
        var plan = await db.OnboardingPlans.AsNoTracking().Include(p => p.Milestones)
            .SingleOrDefaultAsync(p => p.AccountId == accountId, ct);
        return plan is null ? null : Ordered(plan);
    }

    /// <summary>
    /// Creates a plan on demand (or replaces one, audited, in one transaction), completing at once what the account's
    /// data already meets. Identical calls at once (a client and its retry) each start over when another one's plan
    /// came first.
    /// </summary>
    public async Task<OnboardingPlan> CreatePlanAsync(
        string accountId, DateOnly start, bool replaceExisting, Caller caller, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreatePlanOnceAsync(accountId, start, replaceExisting, caller, ct);
            }
            catch (DbUpdateException ex)
            {
                db.ChangeTracker.Clear(); // a concurrent call created, replaced or removed the plan first
                if (attempt == MaxAttempts) throw LostTooManyRaces(ex);
            }
        }
    }

    private async Task<OnboardingPlan> CreatePlanOnceAsync(
        string accountId, DateOnly start, bool replaceExisting, Caller caller, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, ct)
            ?? throw new NotFoundException("Account", accountId);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var existing = await db.OnboardingPlans.Include(p => p.Milestones)
                .SingleOrDefaultAsync(p => p.AccountId == accountId, ct);
            if (existing is not null)
            {
                if (!replaceExisting) throw new AlreadyExistsException(
                    "OnboardingPlan", accountId, "Set replace_existing to start it again.");
                db.OnboardingPlans.Remove(existing);
                await db.SaveChangesAsync(ct);
            }
            var plan = OnboardingPlan.Create(
                accountId, start, await GetTemplateAsync(TemplateTier(account.EffectiveTier), ct), Now);
            db.OnboardingPlans.Add(plan);
            await ApplyEvidenceAsync(plan, ct);
            if (existing is not null)
            {
                var details = new { ReplacedStartDate = existing.StartDate, StartDate = start, plan.TemplateVersion };
                AuditTrail.Add(
                    db, caller,
                    new AuditedChange(
                        AuditAction.OnboardingPlanReplaced, AuditTargets.OnboardingPlan, accountId, Details: details),
                        Now);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return Ordered(plan);
        });
    }

    /// <summary>
    /// Adds the account's first plan to the unit of work when it has none, counting from <paramref name="start"/> (its
    /// first
    /// contract's start). The caller saves. Returns true when a plan was added.
    /// </summary>
    public async Task<bool> AddInitialPlanIfMissingAsync(Account account, DateOnly start, CancellationToken ct)
    {
        if (await db.OnboardingPlans.AnyAsync(p => p.AccountId == account.Id, ct)) return false;
        var plan = OnboardingPlan.Create(
            account.Id, start, await GetTemplateAsync(TemplateTier(account.EffectiveTier), ct), Now);
        db.OnboardingPlans.Add(plan);
        await ApplyEvidenceAsync(plan, ct);
        return true;
    }

    /// <summary>
    /// An account's first plan, as <see cref="AddInitialPlanIfMissingAsync"/> adds it, for a caller that already knows
    /// the account has none (a batch that read the plans of all its accounts at once) and saves it itself.
    /// <paramref name="hasUsage"/> false skips reading evidence that cannot be there (no usage stored for the account);
    /// <paramref name="templates"/> keeps the templates read, across the accounts of the batch.
    /// </summary>
    public async Task<OnboardingPlan> CreateInitialPlanAsync(
        Account account, DateOnly start, bool hasUsage, IDictionary<CsTier, PlanTemplate> templates,
        CancellationToken ct)
    {
        var tier = TemplateTier(account.EffectiveTier);
        if (!templates.TryGetValue(tier, out var template))
            templates[tier] = template = await GetTemplateAsync(tier, ct);
        var plan = OnboardingPlan.Create(account.Id, start, template, Now);
        if (hasUsage) await ApplyEvidenceAsync(plan, ct);
        return plan;
    }

    /// <summary>Which of <paramref name="accountIds"/> have usage stored (raw events or user-days): the only ones a new
    /// plan can find evidence for.</summary>
    public async Task<HashSet<string>> WithUsageAsync(IReadOnlyCollection<string> accountIds, CancellationToken ct)
    {
        if (accountIds.Count == 0) return new HashSet<string>(StringComparer.Ordinal);
        var ids = accountIds.ToArray();
        var found = await db.Accounts.AsNoTracking()
            .Where(a => ids.Contains(a.Id)
                && (db.UsageEvents.Any(e => e.AccountId == a.Id) || db.UserDailyActivity.Any(u => u.AccountId == a.Id)))
            .Select(a => a.Id)
            .ToListAsync(ct);
        return found.ToHashSet(StringComparer.Ordinal);
    }


    /// <summary>
    /// Completes a milestone by hand (idempotent). A <c>DeleteAccount</c> at the same time makes it start over
    /// (<see cref="LostRaces"/>), and then answer NOT_FOUND.
    /// </summary>
    public Task<(OnboardingPlan Plan, bool Changed)> CompleteMilestoneAsync(
        string accountId, string key, string? note, DateTime? at, Caller caller, CancellationToken ct) =>
        db.StartOverAsync(() => CompleteMilestoneOnceAsync(accountId, key, note, at, caller, ct));

    private async Task<(OnboardingPlan Plan, bool Changed)> CompleteMilestoneOnceAsync(
        string accountId, string key, string? note, DateTime? at, Caller caller, CancellationToken ct)
    {
        var plan = await db.OnboardingPlans.Include(p => p.Milestones)
            .SingleOrDefaultAsync(p => p.AccountId == accountId, ct);
        if (plan is null) throw await MissingPlanAsync(accountId, ct);
        var now = Now;
        var changed = plan.CompleteManually(key, caller.Identity, note, at ?? now, now);
        if (changed)
        {
            // The note stays with the milestone only: the trail keeps no free text.
            var details = new { MilestoneKey = key, CompleteTime = at ?? now };
            AuditTrail.Add(
                db, caller,
                new AuditedChange(
                    AuditAction.MilestoneCompleted, AuditTargets.OnboardingPlan, accountId, Details: details), now);
            await db.SaveChangesAsync(ct);
        }
        return (Ordered(plan), changed);
    }

    public async Task<Page<OverdueItem>> ListOverdueAsync(
        OverdueFilter filter, int pageSize, OverdueCursor? after, CancellationToken ct)
    {
        var today = Today;
        var query =
            from m in db.OnboardingMilestones.AsNoTracking()
            join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
            where m.CompletedAt == null && m.DueDate < today
            select new { m, a };
        if (filter.Owner is { } owner) query = query.Where(x => x.a.Owner == owner);
        if (filter.Tier is { } t) query = query.Where(x => x.a.EffectiveTier == t);
        if (filter.Segment is { } segment) query = query.Where(x => x.a.Segment == segment);
        if (filter.MaxDaysOverdue is { } days)
        {
            var oldest = today.AddDays(-days);
            query = query.Where(x => x.m.DueDate >= oldest);
        }
        if (!filter.IncludeChurned)
        {
            query = query.Where(x =>
                !db.HealthScores.Any(s => s.AccountId == x.a.Id && s.Stage == LifecycleStage.Churned));
        }
        if (after is not null)
        {
            query = query.Where(x => x.m.DueDate > after.DueDate
                || (x.m.DueDate == after.DueDate && (string.Compare(x.m.AccountId, after.AccountId) > 0
                    || (x.m.AccountId == after.AccountId && string.Compare(x.m.Key, after.Key) > 0))));
        }
        var rows = await query.OrderBy(x => x.m.DueDate).ThenBy(x => x.m.AccountId).ThenBy(x => x.m.Key)
            .Take(pageSize + 1)
            .Select(
                x => new OverdueItem(
                    x.a.Id, x.a.DisplayName, x.a.Owner, x.a.EffectiveTier, x.m.Key, x.m.Title, x.m.DueDate))
            .ToListAsync(ct);
        return new Page<OverdueItem>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }

    /// <summary>
    /// Evaluates the automatic milestones of up to <paramref name="maxAccounts"/> accounts that ingestion queued,
    /// oldest first; returns how many accounts were evaluated. Each account's mark is removed first, in the transaction
    /// that reads the evidence and saves the plan: a batch committed before the removal is in the evidence read after
    /// it, and a batch committing after it marks the account again (its insert waits for this transaction), so no batch
    /// is left unevaluated, whatever the times on the marks (equal ones included, as under a stopped clock). A failure
    /// rolls the removal back with the rest.
    /// </summary>
    public async Task<int> EvaluateQueuedAsync(int maxAccounts, CancellationToken ct)
    {
        var queued = await db.OnboardingEvaluationQueue.AsNoTracking().OrderBy(q => q.MarkedAt).Take(maxAccounts)
            .ToListAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        foreach (var entry in queued)
        {
            await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.OnboardingEvaluationQueue.Where(q => q.AccountId == entry.AccountId).ExecuteDeleteAsync(ct);
                var plan = await db.OnboardingPlans.Include(p => p.Milestones)
                    .SingleOrDefaultAsync(p => p.AccountId == entry.AccountId, ct);
                if (plan is not null && await ApplyEvidenceAsync(plan, ct)) await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            });
        }
        return queued.Count;
    }

    private async Task<bool> ApplyEvidenceAsync(OnboardingPlan plan, CancellationToken ct)
    {
        if (!plan.HasAutomaticMilestonesToEvaluate) return false;
        var catalogue = await catalogues.GetAsync(ct);
        var evidence = await OnboardingEvidence.LoadAsync(db, plan, catalogue, Today, ct);
        return plan.ApplyEvidence(evidence, Now).Count > 0;
    }

    /// <summary>NOT_FOUND for the account when it does not exist, else for its plan.</summary>
    private async Task<NotFoundException> MissingPlanAsync(string accountId, CancellationToken ct) =>
        await db.Accounts.AnyAsync(a => a.Id == accountId, ct)
            ? new NotFoundException("OnboardingPlan", accountId)
            : new NotFoundException("Account", accountId);

    /// <summary>Accounts without a tier yet follow the tech-touch template.</summary>
    private static CsTier TemplateTier(CsTier tier) => tier == CsTier.Unspecified ? CsTier.TechTouch : tier;

    private static OnboardingPlan Ordered(OnboardingPlan plan)
    {
        plan.SortMilestones();
        return plan;
    }

    /// <summary>Answered ABORTED: the caller retries, as after any lost race.</summary>
    private static DbUpdateConcurrencyException LostTooManyRaces(DbUpdateException ex) =>
        new($"Concurrent identical writes kept winning over this one ({MaxAttempts} attempts); retry it.", ex);
}
