using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>A stored model without its bytes.</summary>
public sealed record RenewalModelInfo(
    int Version, RenewalModelKind Kind, bool Serving, DateTime TrainedAt, string Trigger, int LeadDays,
    int OutcomeCount, RenewalModelDetail Detail);

/// <summary>How a newly trained model comes to serve: what triggered it, its lead, how many outcomes, when.</summary>
public sealed record ModelServing(string Trigger, int LeadDays, int OutcomeCount, DateTime TrainedAt);

/// <summary>
/// The trained models (<c>renewal_models</c>) and their holdout rows (<c>renewal_model_holdout</c>): listing them,
/// storing a new one (serving, or as a candidate), and choosing which one serves.
/// </summary>
public sealed class RenewalModelStore(CustomerHealthDbContext db)
{
    public async Task<RenewalModelInfo?> GetServingAsync(CancellationToken ct) =>
        (await Infos(db.RenewalModels.Where(m => m.Serving)).ToListAsync(ct)).Select(ToInfo).SingleOrDefault();

    public async Task<RenewalModelInfo?> GetAsync(int version, CancellationToken ct) =>
        (await Infos(db.RenewalModels.Where(m => m.Version == version)).ToListAsync(ct)).Select(ToInfo)
            .SingleOrDefault();

    /// <summary>Newest first, versions below <paramref name="beforeVersion"/> when given.</summary>
    public async Task<IReadOnlyList<RenewalModelInfo>> ListAsync(int pageSize, int? beforeVersion, CancellationToken ct)
    {
        var query = db.RenewalModels.AsQueryable();
        if (beforeVersion is { } before) query = query.Where(m => m.Version < before);
        return (await Infos(query.OrderByDescending(m => m.Version).Take(pageSize)).ToListAsync(ct)).Select(ToInfo)
            .ToArray();
    }

    /// <summary>The serving model's version and bytes, or null when none is trained.</summary>
    public async Task<(int Version, RenewalModelKind Kind, byte[] Bytes, string DetailJson)?> LoadServingAsync(
        CancellationToken ct)
    {
        var row = await db.RenewalModels.AsNoTracking().Where(m => m.Serving)
            .Select(m => new { m.Version, m.Kind, m.ModelBytes, m.DetailJson }).SingleOrDefaultAsync(ct);
        return row is null ? null : (row.Version, row.Kind, row.ModelBytes, row.DetailJson);
    }

    /// <summary>The serving version (0: none), one index seek.</summary>
    public async Task<int> ServingVersionAsync(CancellationToken ct) =>
        await db.RenewalModels.Where(m => m.Serving).Select(m => (int?)m.Version).SingleOrDefaultAsync(ct) ?? 0;

    /// <summary>
    /// Stores <paramref name="model"/> as the next version with its holdout rows, in one transaction. With
    /// <paramref name="serve"/> it becomes the serving model in the same transaction (readers of the table see the old
    /// serving model or the new one, never none or both), audited as served; without, it is stored as a candidate that
    /// does not serve, audited as held back.
    /// </summary>
    public async Task<RenewalModelInfo> SaveAsync(
        TrainedRenewalModel model, ModelServing serving, bool serve, Caller caller, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var version = (await db.RenewalModels.MaxAsync(m => (int?)m.Version, ct) ?? 0) + 1;
            var previous = await db.RenewalModels.Where(m => m.Serving)
                .Select(m => (int?)m.Version).SingleOrDefaultAsync(ct);
            if (serve)
            {
                await db.RenewalModels.Where(m => m.Serving)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Serving, false), ct);
            }
            var row = new RenewalModelRow
            {
                Version = version,
                Kind = model.Kind,
                Serving = serve,
                TrainedAt = serving.TrainedAt,
                Trigger = serving.Trigger,
                LeadDays = serving.LeadDays,
                OutcomeCount = serving.OutcomeCount,
                ModelBytes = model.ModelBytes,
                DetailJson = model.Detail.Serialize(),
            };
            db.RenewalModels.Add(row);
            db.RenewalHoldout.AddRange(model.Holdout.Select(h => new RenewalHoldoutRow
            {
                ModelVersion = version,
                RenewalDate = h.Outcome.RenewalDate,
                ContractId = h.Outcome.ContractId,
                Renewed = h.Outcome.Renewed,
                Probability = h.Probability,
                PriorProbability = h.Prior,
            }));
            var details = new
            {
                PreviousVersion = previous, Kind = model.Kind.ToString(), serving.Trigger, serving.LeadDays,
                serving.OutcomeCount, model.Detail.GateReason,
            };
            var change = new AuditedChange(serve ? AuditAction.RenewalModelServed : AuditAction.RenewalModelHeldBack,
                AuditTargets.RenewalModel, version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AfterJson: row.DetailJson, Details: details);
            AuditTrail.Add(db, caller, change, serving.TrainedAt);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new RenewalModelInfo(
                version, row.Kind, serve, serving.TrainedAt, serving.Trigger, serving.LeadDays, serving.OutcomeCount,
                model.Detail);
        });
    }

    /// <summary>
    /// Makes stored version <paramref name="version"/> the serving model, or (0) none, so the heuristic serves, in one
    /// transaction with its audit event (the version served before, and the one chosen). Returns the version that
    /// served before (0: the heuristic). The caller checks that the version exists and that this build can serve it.
    /// </summary>
    public async Task<int> ServeAsync(int version, Caller caller, DateTime atUtc, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var previous = await db.RenewalModels.Where(m => m.Serving)
                .Select(m => (int?)m.Version).SingleOrDefaultAsync(ct) ?? 0;
            await db.RenewalModels.Where(m => m.Serving && m.Version != version)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Serving, false), ct);
            if (version > 0)
            {
                await db.RenewalModels.Where(m => m.Version == version)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Serving, true), ct);
            }
            var change = new AuditedChange(AuditAction.RenewalModelChosen, AuditTargets.RenewalModel,
                version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Details: new { PreviousVersion = previous, Version = version, Heuristic = version == 0 });
            await AuditTrail.WriteAsync(db, caller, change, atUtc, ct);
            await transaction.CommitAsync(ct);
            return previous;
        });
    }

    /// <summary>A stored model's kind, bytes and detail, or null when there is no such version.</summary>
    public async Task<(RenewalModelKind Kind, byte[] Bytes, RenewalModelDetail Detail, int LeadDays)?> LoadAsync(
        int version, CancellationToken ct)
    {
        var row = await db.RenewalModels.AsNoTracking().Where(m => m.Version == version)
            .Select(m => new { m.Kind, m.ModelBytes, m.DetailJson, m.LeadDays }).SingleOrDefaultAsync(ct);
        if (row is null) return null;
        return (row.Kind, row.ModelBytes, RenewalModelDetail.Deserialize(row.DetailJson), row.LeadDays);
    }

    /// <summary>
    /// The model automatic training repeats the lead and settings of: the serving one, else the newest stored model not
    /// trained by the evaluator (a candidate, or one an admin stopped serving); null when there is none.
    /// </summary>
    public async Task<RenewalModelInfo?> TemplateForRetrainingAsync(CancellationToken ct) =>
        await GetServingAsync(ct)
        ?? (await Infos(db.RenewalModels.Where(m => m.Trigger != RenewalTraining.EvaluateTrigger)
                .OrderByDescending(m => m.Version).Take(1)).ToListAsync(ct)).Select(ToInfo).SingleOrDefault();

    /// <summary>
    /// A stored model's holdout rows by renewal date then contract id, after a cursor, at most <paramref name="take"/>.
    /// </summary>
    public async Task<IReadOnlyList<RenewalHoldoutRow>> ListHoldoutAsync(
        int version, (DateOnly Day, string ContractId)? after, int take, CancellationToken ct)
    {
        var query = db.RenewalHoldout.AsNoTracking().Where(h => h.ModelVersion == version);
        if (after is { } a)
        {
            query = query.Where(h => h.RenewalDate > a.Day
                || (h.RenewalDate == a.Day && string.Compare(h.ContractId, a.ContractId) > 0));
        }
        return await query.OrderBy(h => h.RenewalDate).ThenBy(h => h.ContractId).Take(take).ToListAsync(ct);
    }

    private static IQueryable<InfoRow> Infos(IQueryable<RenewalModelRow> query) =>
        query.AsNoTracking()
            .Select(
                m => new InfoRow(
                    m.Version, m.Kind, m.Serving, m.TrainedAt, m.Trigger, m.LeadDays, m.OutcomeCount, m.DetailJson));

    private static RenewalModelInfo ToInfo(InfoRow r) =>
        new(r.Version, r.Kind, r.Serving, r.TrainedAt, r.Trigger, r.LeadDays, r.OutcomeCount,
            RenewalModelDetail.Deserialize(r.DetailJson));

    private sealed record InfoRow(
        int Version, RenewalModelKind Kind, bool Serving, DateTime TrainedAt, string Trigger, int LeadDays,
        int OutcomeCount, string DetailJson);
}
