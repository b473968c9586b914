using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Coordination;

/// <summary>
/// Database leases, so that N replicas on one database run each piece of background work (the health recompute, the
/// daily pass, onboarding evaluation, the retention purge) on one replica at a time instead of N times (DESIGN §9). A
/// lease is one row; taking or renewing it is one conditional UPDATE, which every engine applies atomically to the row,
/// so two replicas never both succeed. Expiry is judged by the caller's clock: replicas whose clocks disagree by more
/// than a lease's length may overlap once, which costs duplicate work, never wrong data (every worker is idempotent).
/// </summary>
public sealed class LeaseStore(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="until"/>:
    /// true when the caller holds it now (it held it already, or it was free or expired).
    /// </summary>
    public async Task<bool> TryHoldAsync(string name, string holder, DateTime until, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var taken = await db.WorkLeases
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        if (await db.WorkLeases.AnyAsync(l => l.Name == name, ct)) return false;

        // The first use of this lease anywhere: create it. Two replicas racing here meet on the primary key.
        db.WorkLeases.Add(new WorkLease(name, holder, until));
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            if (await db.WorkLeases.AnyAsync(l => l.Name == name, ct)) return false;
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Takes or renews the lease for <paramref name="length"/> from now.</summary>
    public Task<bool> TryHoldAsync(string name, string holder, TimeSpan length, CancellationToken ct) =>
        TryHoldAsync(name, holder, clock.GetUtcNow().UtcDateTime + length, ct);

    /// <summary>
    /// Gives the lease up at once if <paramref name="holder"/> holds it (at shutdown, so another replica need not wait
    /// for it to expire). It is marked expired at the epoch rather than at this replica's now, so that it is free by
    /// every replica's clock.
    /// </summary>
    public Task ReleaseAsync(string name, string holder, CancellationToken ct) =>
        db.WorkLeases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, Released), ct);

    /// <summary>The expiry of a released lease.</summary>
    public static readonly DateTime Released = DateTime.UnixEpoch;
}
