using System.Globalization;
using System.Text.Json;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Currency;

/// <summary>A stored version of the exchange-rate table with who set it and when.</summary>
public sealed record StoredExchangeRates(ExchangeRates Rates, string SetBy, DateTime SetAt);

/// <summary>What <see cref="ExchangeRateStore.SetAsync"/> did: the set in force, whether it is a new version, and how
/// many accounts with a derived tier were looked at again and how many of them changed tier.</summary>
public sealed record ExchangeRatesChange(StoredExchangeRates Set, bool Changed, int AccountsChecked, int TiersChanged);

/// <summary>
/// The versioned exchange-rate table to the configured reporting currency: reads of the set in force, and new versions,
/// each audited and followed, in the same transaction, by the re-derivation of every derived tier a rate can move
/// (docs/adr/0056-exchange-rate-table-and-reporting-currency.md). Onboarding plans are left as they are.
/// </summary>
public sealed class ExchangeRateStore(
    CustomerHealthDbContext db, TimeProvider clock, CurrencyOptions options, TierThresholds thresholds)
{
    /// <summary>Accounts re-derived per round trip when rates change.</summary>
    public const int RederiveBatchSize = 500;

    /// <summary>How often a new version that lost its number to a concurrent one (a retry) starts over.</summary>
    private const int MaxAttempts = 10;

    public string ReportingCurrency => options.ReportingCurrency;

    /// <summary>
    /// The rates in force: the newest stored set when it was made for the configured reporting currency, else none
    /// (only amounts in the reporting currency convert). One query.
    /// </summary>
    public async Task<ExchangeRates> CurrentAsync(CancellationToken ct)
    {
        var newest = await db.ExchangeRateSets.AsNoTracking().OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
        return newest is not null && newest.ReportingCurrency == ReportingCurrency
            ? ToDomain(newest).Rates
            : ExchangeRates.None(ReportingCurrency);
    }

    /// <summary>One stored version, or the newest (<paramref name="version"/> 0); null when none is stored at all.
    /// Throws <see cref="NotFoundException"/> for a version that does not exist.</summary>
    public async Task<StoredExchangeRates?> GetAsync(int version, CancellationToken ct)
    {
        var query = db.ExchangeRateSets.AsNoTracking();
        if (version == 0)
        {
            var newest = await query.OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);
            return newest is null ? null : ToDomain(newest);
        }
        return await query.SingleOrDefaultAsync(s => s.Version == version, ct) is { } found
            ? ToDomain(found)
            : throw new NotFoundException("ExchangeRates", version.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Stores the rates (the whole table, to the configured reporting currency) as the next version, unless they equal
    /// the newest set (then nothing is written: a retry is safe). Throws <see cref="ValidationException"/> with every
    /// broken rule.
    /// </summary>
    public async Task<ExchangeRatesChange> SetAsync(
        DateOnly asOf, IReadOnlyDictionary<string, decimal> rates, Caller caller, CancellationToken ct)
    {
        var proposed = new ExchangeRates(ReportingCurrency, rates, 0, asOf);
        proposed.Validate().ThrowIfAny();
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync(0, ct);
            if (current is not null && current.Rates.SameAs(proposed))
                return new ExchangeRatesChange(current, false, 0, 0);
            var version = (current?.Rates.Version ?? 0) + 1;
            var next = new StoredExchangeRates(
                proposed with { Version = version }, caller.Identity, clock.GetUtcNow().UtcDateTime);
            try
            {
                var strategy = db.Database.CreateExecutionStrategy();
                return await strategy.ExecuteAsync(() => StoreAsync(current, next, caller, ct));
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // another set took this version number meanwhile: build on the newer one
                if (attempt == MaxAttempts)
                    throw new DbUpdateConcurrencyException(
                        $"Concurrent rate changes kept taking the version number ({MaxAttempts} attempts); retry.", ex);
            }
        }
    }

    private async Task<ExchangeRatesChange> StoreAsync(
        StoredExchangeRates? current, StoredExchangeRates next, Caller caller, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var rates = next.Rates;
        db.ExchangeRateSets.Add(new ExchangeRateSetRow
        {
            Version = rates.Version, ReportingCurrency = rates.ReportingCurrency, AsOfDate = rates.AsOf!.Value,
            RatesJson = RatesJson(rates), SetBy = next.SetBy, SetAt = next.SetAt,
        });
        await db.SaveChangesAsync(ct);
        var (accountsChecked, tiersChanged) = await RederiveTiersAsync(rates, next.SetAt, ct);
        var change = new AuditedChange(AuditAction.ExchangeRatesSet, AuditTargets.ExchangeRates,
            rates.Version.ToString(CultureInfo.InvariantCulture), current is null ? null : AuditJson(current.Rates),
            AuditJson(rates), new { AccountsChecked = accountsChecked, TiersChanged = tiersChanged });
        await AuditTrail.WriteAsync(db, caller, change, next.SetAt, ct);
        await transaction.CommitAsync(ct);
        return new ExchangeRatesChange(next, true, accountsChecked, tiersChanged);
    }

    /// <summary>
    /// Derives again the tier of every account without an assigned one whose contracts are not all in the reporting
    /// currency (or whose tier was derived without a rate), in batches; each changed account is marked for health
    /// recompute by the same save. Their onboarding plans stay as they are.
    /// </summary>
    private async Task<(int Checked, int Changed)> RederiveTiersAsync(
        ExchangeRates rates, DateTime now, CancellationToken ct)
    {
        var (reporting, today) = (rates.ReportingCurrency, DateOnly.FromDateTime(now));
        var (accountsChecked, tiersChanged) = (0, 0);
        string? after = null;
        while (true)
        {
            var query = db.Accounts.Where(a => a.AssignedTier == CsTier.Unspecified
                && (a.TierUnconverted || db.Contracts.Any(c => c.AccountId == a.Id && c.Currency != reporting)));
            if (after is not null) query = query.Where(a => string.Compare(a.Id, after) > 0);
            var batch = await query.OrderBy(a => a.Id).Take(RederiveBatchSize).ToListAsync(ct);
            if (batch.Count == 0) return (accountsChecked, tiersChanged);
            var ids = batch.Select(a => a.Id).ToArray();
            var contracts = (await db.Contracts.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct))
                .ToLookup(c => c.AccountId, StringComparer.Ordinal);
            foreach (var account in batch)
            {
                var before = account.EffectiveTier;
                account.RefreshEffectiveTier(Contract.CurrentOf(contracts[account.Id], today), thresholds, rates, now);
                if (account.EffectiveTier != before) tiersChanged++;
            }
            accountsChecked += batch.Count;
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            after = ids[^1];
        }
    }

    private static StoredExchangeRates ToDomain(ExchangeRateSetRow row)
    {
        var rates = JsonSerializer.Deserialize<Dictionary<string, decimal>>(row.RatesJson)
            ?? throw new InvalidDataException($"Exchange-rate set {row.Version} has no rates document.");
        var table = new ExchangeRates(
            row.ReportingCurrency, new Dictionary<string, decimal>(rates, StringComparer.Ordinal), row.Version,
            row.AsOfDate);
        return new StoredExchangeRates(table, row.SetBy, row.SetAt);
    }

    private static string RatesJson(ExchangeRates rates) =>
        JsonSerializer.Serialize(Sorted(rates));

    private static SortedDictionary<string, decimal> Sorted(ExchangeRates rates) =>
        new(rates.Rates.ToDictionary(), StringComparer.Ordinal);

    private static string AuditJson(ExchangeRates rates) => JsonSerializer.Serialize(new
    {
        reportingCurrency = rates.ReportingCurrency,
        asOfDate = rates.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        rates = Sorted(rates),
    });
}
