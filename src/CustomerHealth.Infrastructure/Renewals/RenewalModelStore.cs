using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>A stored model without its bytes.</summary>
public sealed record RenewalModelInfo(int Version, RenewalModelKind Kind, bool Serving, DateTime TrainedAt, string Trigger, int LeadDays, int OutcomeCount, RenewalModelDetail Detail);

/// <summary>How a newly trained model comes to serve: what triggered it, its lead, how many outcomes, when.</summary>
public sealed record ModelServing(string Trigger, int LeadDays, int OutcomeCount, DateTime TrainedAt);

/// <summary>The trained models (<c>renewal_models</c>): listing them, and storing a new one as the serving
/// model.</summary>
public sealed class RenewalModelStore(CustomerHealthDbContext db)
{
    public async Task<RenewalModelInfo?> GetServingAsync(CancellationToken ct) =>
        (await Infos(db.RenewalModels.Where(m => m.Serving)).ToListAsync(ct)).Select(ToInfo).SingleOrDefault();

    public async Task<RenewalModelInfo?> GetAsync(int version, CancellationToken ct) =>
        (await Infos(db.RenewalModels.Where(m => m.Version == version)).ToListAsync(ct)).Select(ToInfo).SingleOrDefault();

    /// <summary>Newest first, versions below <paramref name="beforeVersion"/> when given.</summary>
    public async Task<IReadOnlyList<RenewalModelInfo>> ListAsync(int pageSize, int? beforeVersion, CancellationToken ct)
    {
        var query = db.RenewalModels.AsQueryable();
        if (beforeVersion is { } before) query = query.Where(m => m.Version < before);
        return (await Infos(query.OrderByDescending(m => m.Version).Take(pageSize)).ToListAsync(ct)).Select(ToInfo).ToArray();
    }

    /// <summary>The serving model's version and bytes, or null when none is trained.</summary>
    public async Task<(int Version, RenewalModelKind Kind, byte[] Bytes, string DetailJson)?> LoadServingAsync(CancellationToken ct)
    {
        var row = await db.RenewalModels.AsNoTracking().Where(m => m.Serving)
            .Select(m => new { m.Version, m.Kind, m.ModelBytes, m.DetailJson }).SingleOrDefaultAsync(ct);
        return row is null ? null : (row.Version, row.Kind, row.ModelBytes, row.DetailJson);
    }

    /// <summary>The serving version (0: none), one index seek.</summary>
    public async Task<int> ServingVersionAsync(CancellationToken ct) =>
        await db.RenewalModels.Where(m => m.Serving).Select(m => (int?)m.Version).SingleOrDefaultAsync(ct) ?? 0;

    /// <summary>
    /// Stores <paramref name="model"/> as the next version and makes it the serving one, in one transaction: readers of
    /// the
    /// table see the old serving model or the new one, never none or both.
    /// </summary>
    public async Task<RenewalModelInfo> SaveAndServeAsync(
        TrainedRenewalModel model, ModelServing serving, Caller caller, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var version = (await db.RenewalModels.MaxAsync(m => (int?)m.Version, ct) ?? 0) + 1;
            var previous = await db.RenewalModels.Where(m => m.Serving)
                .Select(m => (int?)m.Version).SingleOrDefaultAsync(ct);
            await db.RenewalModels.Where(m => m.Serving).ExecuteUpdateAsync(s => s.SetProperty(m => m.Serving, false), ct);
            var row = new RenewalModelRow
            {
                Version = version,
                Kind = model.Kind,
                Serving = true,
                TrainedAt = serving.TrainedAt,
                Trigger = serving.Trigger,
                LeadDays = serving.LeadDays,
                OutcomeCount = serving.OutcomeCount,
                ModelBytes = model.ModelBytes,
                DetailJson = model.Detail.Serialize(),
            };
            db.RenewalModels.Add(row);
            var details = new
            {
                PreviousVersion = previous, Kind = model.Kind.ToString(), serving.Trigger, serving.LeadDays, serving.OutcomeCount,
            };
            var change = new AuditedChange(AuditAction.RenewalModelServed, AuditTargets.RenewalModel,
                version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AfterJson: row.DetailJson, Details: details);
            AuditTrail.Add(db, caller, change, serving.TrainedAt);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new RenewalModelInfo(
                version, row.Kind, true, serving.TrainedAt, serving.Trigger, serving.LeadDays, serving.OutcomeCount, model.Detail);
        });
    }

    private static IQueryable<InfoRow> Infos(IQueryable<RenewalModelRow> query) =>
        query.AsNoTracking().Select(m => new InfoRow(m.Version, m.Kind, m.Serving, m.TrainedAt, m.Trigger, m.LeadDays, m.OutcomeCount, m.DetailJson));

    private static RenewalModelInfo ToInfo(InfoRow r) =>
        new(r.Version, r.Kind, r.Serving, r.TrainedAt, r.Trigger, r.LeadDays, r.OutcomeCount, RenewalModelDetail.Deserialize(r.DetailJson));

    private sealed record InfoRow(int Version, RenewalModelKind Kind, bool Serving, DateTime TrainedAt, string Trigger, int LeadDays, int OutcomeCount, string DetailJson);
}
