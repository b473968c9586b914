using System.Data.Common;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>
/// The rows a batch CRM write creates (accounts, contracts, first onboarding plans with their milestones), each in its
/// final state: an item that changes a row created earlier in the same batch changes the object held here.
/// </summary>
public sealed class NewCrmRows
{
    public List<Account> Accounts { get; } = [];
    public List<Contract> Contracts { get; } = [];
    public List<OnboardingPlan> Plans { get; } = [];

    public bool IsEmpty => Accounts.Count == 0 && Contracts.Count == 0 && Plans.Count == 0;

    /// <summary>The accounts these rows belong to: each gets one recompute mark.</summary>
    public HashSet<string> AccountIds()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in Accounts) ids.Add(a.Id);
        foreach (var c in Contracts) ids.Add(c.AccountId);
        foreach (var p in Plans) ids.Add(p.AccountId);
        return ids;
    }
}

/// <summary>
/// The stored rows a batch changes in the common ways, each in its final state: accounts whose derived tier changed
/// (and nothing else of theirs), and contracts whose renewal outcome was recorded or corrected. The engines with their
/// own statements write these set-based; other changes of stored rows (an account's or a contract's fields) stay on
/// EF Core's change tracker.
/// </summary>
public sealed class CrmUpdates
{
    private readonly Dictionary<string, Account> _tiers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Contract> _outcomes = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Account> Tiers => _tiers.Values;
    public IReadOnlyCollection<Contract> Outcomes => _outcomes.Values;

    public bool IsEmpty => _tiers.Count == 0 && _outcomes.Count == 0;

    /// <summary>A stored account (read without tracking) whose effective tier or its flag changed.</summary>
    public void Tier(Account account) => _tiers[account.Id] = account;

    /// <summary>A stored contract (read without tracking) whose renewal outcome changed.</summary>
    public void Outcome(Contract contract) => _outcomes[contract.Id] = contract;

    /// <summary>The accounts these changes belong to: each gets one recompute mark.</summary>
    public IEnumerable<string> AccountIds() => _tiers.Keys.Concat(_outcomes.Values.Select(c => c.AccountId));
}

/// <summary>
/// The batch CRM writes' storage seam for new rows (docs/adr/0054, docs/adr/0042): SQLite and PostgreSQL insert them
/// with their own statements inside the batch's transaction, next to EF Core's updates, and write the recompute marks
/// of their accounts; SQL Server adds them to the change tracker. One subclass per engine, chosen once in
/// <c>DatabaseRegistration</c>.
/// </summary>
public abstract class CrmRowWriter
{
    /// <summary>True when the new rows go through EF Core's change tracker (and its recompute marker)
    /// instead.</summary>
    internal virtual bool UsesChangeTracker => false;

    /// <summary>
    /// Inserts <paramref name="rows"/> (parents before children) and one recompute mark due at
    /// <paramref name="dueAt"/> for each of <paramref name="marked"/>, in <paramref name="transaction"/>. A key a
    /// concurrent write took, or an account it deleted, fails with the engine's constraint error.
    /// </summary>
    internal abstract Task InsertAsync(
        DbConnection connection, DbTransaction transaction, NewCrmRows rows, IReadOnlyCollection<string> marked,
        DateTime dueAt, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="updates"/> in <paramref name="transaction"/>, one set-based statement (or one prepared
    /// statement) per table. A row that is gone (an account a concurrent call deleted, with its contracts) fails the
    /// batch as EF Core's update of it would, with a <see cref="DbUpdateConcurrencyException"/>.
    /// </summary>
    internal abstract Task UpdateAsync(
        DbConnection connection, DbTransaction transaction, CrmUpdates updates, CancellationToken ct);

    /// <summary>Fails when an update found fewer rows than it was given.</summary>
    protected static void EnsureAllFound(string table, int expected, int updated)
    {
        if (updated != expected)
        {
            throw new DbUpdateConcurrencyException(
                $"The batch expected to update {expected} rows of {table} but updated {updated}: some were deleted "
                + "since they were read.");
        }
    }

    /// <summary>Adds the rows to the change tracker (the engines without their own statements).</summary>
    internal static void Track(DbContext db, NewCrmRows rows)
    {
        db.AddRange(rows.Accounts);
        db.AddRange(rows.Contracts);
        db.AddRange(rows.Plans);
    }

    /// <summary>An instant as EF Core stores it (<see cref="UtcDateTimeConverter"/>).</summary>
    protected static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();

    /// <summary>A money amount as EF Core stores it (<see cref="MicrosConverter"/>).</summary>
    protected static long Micros(decimal amount) => (long)Money.ConvertToProvider(amount)!;

    /// <summary>A new contract has no renewal outcome (outcomes are recorded on stored contracts): its outcome columns
    /// stay empty.</summary>
    protected static Contract WithoutOutcome(Contract contract) => contract.Outcome is null ? contract
        : throw new InvalidOperationException($"New contract {contract.Id} carries a renewal outcome.");

    private static readonly MicrosConverter Money = new();
}

/// <summary>SQL Server: the new rows go through EF Core like the updates (docs/adr/0042: new SQL Server paths use EF
/// Core).</summary>
internal sealed class TrackedCrmRowWriter : CrmRowWriter
{
    internal override bool UsesChangeTracker => true;

    internal override Task InsertAsync(
        DbConnection connection, DbTransaction transaction, NewCrmRows rows, IReadOnlyCollection<string> marked,
        DateTime dueAt, CancellationToken ct) =>
        throw new NotSupportedException("SQL Server's batch rows are saved through the change tracker.");

    internal override Task UpdateAsync(
        DbConnection connection, DbTransaction transaction, CrmUpdates updates, CancellationToken ct) =>
        throw new NotSupportedException("SQL Server's batch updates are saved through the change tracker.");
}
