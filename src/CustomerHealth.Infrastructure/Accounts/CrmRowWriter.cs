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
}
