using System.Globalization;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>One outcome with a model's probability of renewal and the score-only prior's.</summary>
public sealed record HoldoutListing(
    string ContractId, DateOnly RenewalDate, bool Renewed, double Probability, double Prior);

/// <summary>
/// A page of outcomes graded by one model (version 0: the heuristic), with the cursor of the next page.
/// </summary>
public sealed record HoldoutPage(
    int Version, int LeadDays, IReadOnlyList<HoldoutListing> Rows, (DateOnly Day, string ContractId)? Next);

/// <summary>
/// The outcomes a model was judged on, for a caller to recompute its figures: the holdout stored with it at training,
/// or a backtest over a range of renewal dates, graded now with its features as of its lead (the same reader and
/// feature builder as training). Both are ordered by renewal date then contract id and paged; nothing is written, and
/// what serves does not change.
/// </summary>
public sealed class RenewalHoldoutReader(
    CustomerHealthDbContext db, RenewalModelStore models, RenewalFeatureReader features, RenewalOptions options,
    TimeProvider clock)
{
    /// <summary>The stored holdout rows of <paramref name="version"/> (0: the serving model).</summary>
    public async Task<HoldoutPage> ListStoredAsync(
        int version, (DateOnly, string)? after, int pageSize, CancellationToken ct)
    {
        var resolved = await ResolveAsync(version, ct);
        if (resolved == 0)
            throw new RuleViolationException("NO_TRAINED_MODEL_SERVES",
                "The heuristic serves, which has no stored holdout: name a model version, or give a date range " +
                "to backtest.");
        var model = await models.GetAsync(resolved, ct) ?? throw new NotFoundException("RenewalModel", Text(resolved));
        var rows = await models.ListHoldoutAsync(resolved, after, pageSize + 1, ct);
        var listed = rows.Take(pageSize)
            .Select(r => new HoldoutListing(r.ContractId, r.RenewalDate, r.Renewed, r.Probability, r.PriorProbability))
            .ToArray();
        var next = rows.Count > pageSize ? (listed[^1].RenewalDate, listed[^1].ContractId) : ((DateOnly, string)?)null;
        return new HoldoutPage(resolved, model.LeadDays, listed, next);
    }

    /// <summary>
    /// The recorded renewals and churns renewing from <paramref name="start"/> to <paramref name="end"/> whose lead day
    /// (by the model's lead) is not ahead, graded by <paramref name="version"/> (0: the serving model, or the heuristic
    /// with the configured lead when none serves). FAILED_PRECONDITION for a model this build cannot compute the
    /// features of.
    /// </summary>
    public async Task<HoldoutPage> BacktestAsync(
        int version, DateOnly start, DateOnly end, (DateOnly Day, string ContractId)? after, int pageSize,
        CancellationToken ct)
    {
        var resolved = await ResolveAsync(version, ct);
        ServingRenewalModel? model = null;
        var lead = options.LeadDays;
        if (resolved > 0)
        {
            var stored = await models.LoadAsync(resolved, ct)
                ?? throw new NotFoundException("RenewalModel", Text(resolved));
            if (!stored.Detail.ServableByThisBuild)
            {
                throw new RuleViolationException(
                    "UNKNOWN_FEATURE_BUILDER", ServingRenewalModel.UnknownFeatures(resolved, stored.Detail));
            }
            model = ServingRenewalModel.Load(resolved, stored.Kind, stored.Bytes, stored.Detail);
            lead = stored.LeadDays;
        }
        var lastEnd = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(lead);
        var query = db.Contracts.AsNoTracking()
            .Where(c => c.Outcome != null && c.EndDate >= start && c.EndDate <= end && c.EndDate <= lastEnd);
        if (after is { } a)
        {
            query = query.Where(c =>
                c.EndDate > a.Day || (c.EndDate == a.Day && string.Compare(c.Id, a.ContractId) > 0));
        }
        var page = await query.OrderBy(c => c.EndDate).ThenBy(c => c.Id).Take(pageSize + 1)
            .Select(c => new { c.Id, c.AccountId, c.ArrAmount, c.Currency, c.EndDate, c.Outcome!.Kind })
            .ToListAsync(ct);
        var taken = page.Take(pageSize).ToArray();
        var renewed = taken.ToDictionary(c => c.Id, c => c.Kind == RenewalOutcomeKind.Renewed, StringComparer.Ordinal);
        var requests = taken
            .Select(c => new RenewalFeatureRequest(
                c.AccountId, c.Id, c.ArrAmount, c.Currency, c.EndDate, RenewalTraining.LeadInstant(c.EndDate, lead)))
            .ToArray();
        var rows = (await features.ReadAsync(requests, ct))
            .OrderBy(r => r.Request.RenewalDate).ThenBy(r => r.Request.ContractId, StringComparer.Ordinal).ToArray();
        var vectors = rows.Select(r => r.Features).ToArray();
        var probabilities = model?.Probabilities(vectors) ?? vectors.Select(RenewalPrior.ProbabilityOf).ToArray();
        var listed = rows.Select((r, i) => new HoldoutListing(r.Request.ContractId, r.Request.RenewalDate,
            renewed[r.Request.ContractId], probabilities[i], RenewalPrior.ProbabilityOf(r.Features))).ToArray();
        var next = page.Count > pageSize ? (taken[^1].EndDate, taken[^1].Id) : ((DateOnly, string)?)null;
        return new HoldoutPage(resolved, lead, listed, next);
    }

    /// <summary>The version asked for, or the serving one for 0 (0 again when the heuristic serves).</summary>
    private async Task<int> ResolveAsync(int version, CancellationToken ct) =>
        version > 0 ? version : await models.ServingVersionAsync(ct);

    private static string Text(int version) => version.ToString(CultureInfo.InvariantCulture);
}
