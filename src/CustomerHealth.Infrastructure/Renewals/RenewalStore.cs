using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Renewals;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// A prediction as read: the stored (or freshly computed) row with the account's current tier and owner.
/// </summary>
public sealed record RenewalPredictionView(RenewalPredictionRow Row, CsTier Tier, string? Owner);

/// <summary>Filters of the upcoming-renewals list; null means any.</summary>
/// <param name="Tree">The top account of a tree the caller asked for; <paramref name="AccountIds"/> holds its accounts
/// once resolved (<see cref="Accounts.AccountTrees"/>).</param>
public sealed record UpcomingRenewalFilter(
    int WithinDays, RenewalRisk? MinimumRisk, CsTier? Tier, string? Owner, string? Segment = null,
    string? Tree = null, IReadOnlyCollection<string>? AccountIds = null)
{
    /// <summary>The filter as a page token's fingerprint: the tree's id, not its members.</summary>
    public override string ToString() =>
        $"{WithinDays}|{MinimumRisk}|{Tier}|{Owner}" + (Segment is null ? "" : $"|{Segment}")
        + (Tree is null ? "" : $"|tree:{Tree}");
}

public enum UpcomingRenewalOrder
{
    RenewalDate = 1,
    Risk = 2,
}

/// <summary>
/// The last row of a page: its sort key (the renewal date as yyyy-MM-dd, or the probability round-trip formatted) and
/// contract id.
/// </summary>
public sealed record UpcomingRenewalCursor(string SortKey, string ContractId);

/// <summary>
/// Reads of renewal predictions: one, a filtered keyset-paged list, and the change feed after a cursor.
/// </summary>
public sealed class RenewalStore(CustomerHealthDbContext db, RenewalPredictor predictor)
{
    public DateOnly Today => predictor.Today;

    /// <summary>
    /// The prediction of an open contract: the stored one, else computed on the spot (not stored). NOT_FOUND for an
    /// unknown contract; FAILED_PRECONDITION when its outcome is recorded or its renewal date has passed. Every read of
    /// it sees one committed state (<see cref="ConsistentReads"/>), so a <c>DeleteAccount</c> at the same time is
    /// either not seen at all or seen whole.
    /// </summary>
    public Task<RenewalPredictionView> GetByContractAsync(string contractId, CancellationToken ct) =>
        db.InOneSnapshotAsync(() => GetByContractInSnapshotAsync(contractId, ct), ct);

    private async Task<RenewalPredictionView> GetByContractInSnapshotAsync(string contractId, CancellationToken ct)
    {
        var contract = await db.Contracts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == contractId, ct)
            ?? throw new NotFoundException("Contract", contractId);
        if (contract.Outcome is not null || contract.EndDate < Today)
        {
            throw new RuleViolationException("CONTRACT_NOT_OPEN",
                $"Contract '{contractId}' is not open for renewal: " +
                $"{(contract.Outcome is not null ? "its outcome is recorded" : "its renewal date has passed")}.",
                new Dictionary<string, string> { ["contract_id"] = contractId });
        }
        return await ViewOfAsync(contract, ct);
    }

    /// <summary>
    /// The prediction of the account's open contract that renews first; FAILED_PRECONDITION when it has none. Read in
    /// one committed state, like <see cref="GetByContractAsync"/>.
    /// </summary>
    public Task<RenewalPredictionView> GetByAccountAsync(string accountId, CancellationToken ct) =>
        db.InOneSnapshotAsync(() => GetByAccountInSnapshotAsync(accountId, ct), ct);

    private async Task<RenewalPredictionView> GetByAccountInSnapshotAsync(string accountId, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
        var today = Today;
        var contract = await db.Contracts.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.Outcome == null && c.EndDate >= today)
            .OrderBy(c => c.EndDate).ThenBy(c => c.Id)
            .FirstOrDefaultAsync(ct)
            ?? throw new RuleViolationException(
                "NO_OPEN_CONTRACT", $"Account '{accountId}' has no open contract to renew.",
                new Dictionary<string, string> { ["account_id"] = accountId });
        return await ViewOfAsync(contract, ct);
    }

    /// <summary>
    /// The contract's stored or computed prediction with its account's tier and owner. NOT_FOUND when the account is
    /// gone after all: SQL Server reads statement by statement (<see cref="ConsistentReads"/>), so a
    /// <c>DeleteAccount</c> can still remove it between the contract's read and these.
    /// </summary>
    private async Task<RenewalPredictionView> ViewOfAsync(Contract contract, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == contract.AccountId)
                .Select(a => new { a.EffectiveTier, a.Owner }).SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("Contract", contract.Id);
        var stored = await db.RenewalPredictions.AsNoTracking()
            .SingleOrDefaultAsync(p => p.ContractId == contract.Id, ct);
        if (stored is not null) return new RenewalPredictionView(stored, account.EffectiveTier, account.Owner);
        var computed = await predictor.ComputeAsync([contract], ct);
        return computed.Count == 1
            ? new RenewalPredictionView(computed[0].Row, account.EffectiveTier, account.Owner)
            : throw new NotFoundException("Contract", contract.Id); // its account went between the reads
    }

    /// <summary>The stored prediction of an open contract (one query), else one computed on the spot (not
    /// stored). NOT_FOUND for the account when a <c>DeleteAccount</c> removed it since the contract was read.</summary>
    public async Task<RenewalPredictionRow> PredictionOfAsync(Contract contract, CancellationToken ct)
    {
        var stored = await db.RenewalPredictions.AsNoTracking()
            .SingleOrDefaultAsync(p => p.ContractId == contract.Id, ct);
        if (stored is not null) return stored;
        var computed = await predictor.ComputeAsync([contract], ct);
        return computed.Count == 1 ? computed[0].Row : throw new NotFoundException("Account", contract.AccountId);
    }

    /// <summary>The account's open contract that renews first (no outcome, renewal date today or later), or
    /// null.</summary>
    public Contract? FirstOpen(IEnumerable<Contract> contracts) =>
        contracts.Where(c => c.Outcome is null && c.EndDate >= Today)
            .OrderBy(c => c.EndDate).ThenBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// Stored predictions of contracts renewing from today to <c>today + WithinDays</c>, filtered, in the order asked,
    /// after the cursor.
    /// </summary>
    public async Task<(IReadOnlyList<RenewalPredictionView> Items, bool HasMore)> ListUpcomingAsync(
        UpcomingRenewalFilter filter, UpcomingRenewalOrder order, int pageSize, UpcomingRenewalCursor? after,
            CancellationToken ct)
    {
        var query = Upcoming(filter);
        if (order == UpcomingRenewalOrder.Risk)
        {
            if (after is not null)
            {
                var probability = double.Parse(after.SortKey, System.Globalization.CultureInfo.InvariantCulture);
                query = query.Where(x => x.Prediction.Probability > probability
                    || (x.Prediction.Probability == probability
                        && string.Compare(x.Prediction.ContractId, after.ContractId) > 0));
            }
            query = query.OrderBy(x => x.Prediction.Probability).ThenBy(x => x.Prediction.ContractId);
        }
        else
        {
            if (after is not null)
            {
                var date = DateOnly.ParseExact(
                    after.SortKey, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                query = query.Where(x => x.Prediction.RenewalDate > date
                    || (x.Prediction.RenewalDate == date
                        && string.Compare(x.Prediction.ContractId, after.ContractId) > 0));
            }
            query = query.OrderBy(x => x.Prediction.RenewalDate).ThenBy(x => x.Prediction.ContractId);
        }
        var rows = await query.Take(pageSize + 1).ToListAsync(ct);
        var items = rows.Take(pageSize)
            .Select(x => new RenewalPredictionView(x.Prediction, x.EffectiveTier, x.Owner)).ToArray();
        return (items, rows.Count > pageSize);
    }

    /// <summary>
    /// Every prediction <see cref="ListUpcomingAsync"/> lists for <paramref name="filter"/> (all its pages), as
    /// forecast lines: the same query without order or paging, in one committed state (<see cref="ConsistentReads"/>).
    /// </summary>
    public Task<IReadOnlyList<ForecastLine>> ListForecastLinesAsync(
        UpcomingRenewalFilter filter, CancellationToken ct) =>
        db.InOneSnapshotAsync(async () =>
        {
            var rows = await Upcoming(filter)
                .Select(x => new
                {
                    x.Prediction.ContractId, x.Prediction.RenewalDate, x.Prediction.ArrMicros,
                    x.Prediction.Currency, x.Prediction.ExpectedArrMicros, x.Prediction.Probability,
                    x.Prediction.ArrChangeRatio, x.EffectiveTier, x.Owner,
                })
                .ToListAsync(ct);
            return (IReadOnlyList<ForecastLine>)rows.Select(r => new ForecastLine(
                r.ContractId, r.RenewalDate, new Money(r.ArrMicros / 1_000_000m, r.Currency),
                r.ExpectedArrMicros / 1_000_000m, r.Probability, r.ArrChangeRatio, r.EffectiveTier, r.Owner)).ToArray();
        }, ct);

    /// <summary>The predictions of contracts renewing from today to <c>today + WithinDays</c>, filtered: the one
    /// definition the list and the forecast share.</summary>
    private IQueryable<UpcomingRow> Upcoming(UpcomingRenewalFilter filter)
    {
        var today = Today;
        var last = today.AddDays(filter.WithinDays);
        var query =
            from p in db.RenewalPredictions.AsNoTracking()
            join a in db.Accounts.AsNoTracking() on p.AccountId equals a.Id
            where p.RenewalDate >= today && p.RenewalDate <= last
            select new UpcomingRow
            {
                Prediction = p, EffectiveTier = a.EffectiveTier, Owner = a.Owner, Segment = a.Segment,
            };
        if (filter.MinimumRisk is { } risk) query = query.Where(x => x.Prediction.Risk >= risk);
        if (filter.Tier is { } tier) query = query.Where(x => x.EffectiveTier == tier);
        if (filter.Owner is { } owner) query = query.Where(x => x.Owner == owner);
        if (filter.Segment is { } segment) query = query.Where(x => x.Segment == segment);
        if (filter.AccountIds is { } ids) query = query.Where(x => ids.Contains(x.Prediction.AccountId));
        return query;
    }

    /// <summary>A prediction joined with its account's current tier, owner and segment.</summary>
    private sealed class UpcomingRow
    {
        public required RenewalPredictionRow Prediction { get; init; }
        public CsTier EffectiveTier { get; init; }
        public string? Owner { get; init; }
        public string? Segment { get; init; }
    }

    public static string SortKeyOf(RenewalPredictionRow row, UpcomingRenewalOrder order) =>
        order == UpcomingRenewalOrder.Risk
            ? row.Probability.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : row.RenewalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Up to <paramref name="pageSize"/> feed entries after <paramref name="afterSequence"/>, oldest first:
    /// one primary-key range seek.</summary> <remarks>With <paramref name="segment"/>, only entries of accounts now in
    /// that segment.</remarks>
    public async Task<IReadOnlyList<RenewalPredictionChangeRow>> ListChangesAsync(
        long afterSequence, int pageSize, string? segment, CancellationToken ct)
    {
        var query = db.RenewalPredictionChanges.AsNoTracking().Where(c => c.Sequence > afterSequence);
        if (segment is not null)
            query = query.Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Segment == segment));
        return await query.OrderBy(c => c.Sequence).Take(pageSize).ToListAsync(ct);
    }
}
