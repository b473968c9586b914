using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Accounts;

/// <summary>
/// Reads and writes the stakeholders (contacts) of accounts. A write marks the account for rescoring (through
/// <see cref="Health.HealthDirtyMarker"/>), so the champion play follows the change at its next scoring.
/// </summary>
public sealed class ContactStore(CustomerHealthDbContext db, TimeProvider clock)
{
    /// <summary>The most contacts an account may have.</summary>
    public const int MaxContactsPerAccount = 1_000;

    /// <summary>Creates or updates a contact. Concurrent calls for the same contact start over when another one's
    /// write came first (<see cref="LostRaces"/>).</summary>
    /// <exception cref="NotFoundException">The account does not exist.</exception>
    public Task<(Contact Contact, bool Created)> UpsertAsync(ContactDetails details, CancellationToken ct) =>
        db.StartOverAsync(() => UpsertOnceAsync(details, ct));

    private async Task<(Contact, bool)> UpsertOnceAsync(ContactDetails details, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.Id == details.ContactId, ct);
        if (contact is not null)
        {
            contact.Update(details, now);
            await db.SaveChangesAsync(ct);
            return (contact, false);
        }
        if (!await db.Accounts.AnyAsync(a => a.Id == details.AccountId, ct))
            throw new NotFoundException("Account", details.AccountId);
        if (await db.Contacts.CountAsync(c => c.AccountId == details.AccountId, ct) >= MaxContactsPerAccount)
        {
            throw new RuleViolationException("TOO_MANY_CONTACTS",
                $"Account '{details.AccountId}' has {MaxContactsPerAccount} contacts, the most it may have.",
                new Dictionary<string, string> { ["max_contacts"] = MaxContactsPerAccount.ToString() });
        }
        contact = Contact.Create(details, now);
        db.Contacts.Add(contact);
        await db.SaveChangesAsync(ct);
        return (contact, true);
    }

    /// <summary>A page of an account's contacts by id, optionally of one role.</summary>
    /// <exception cref="NotFoundException">The account does not exist.</exception>
    public async Task<Page<Contact>> ListAsync(
        string accountId, ContactRole? role, int pageSize, string? afterContactId, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
        var query = db.Contacts.AsNoTracking().Where(c => c.AccountId == accountId);
        if (role is { } r) query = query.Where(c => c.Role == r);
        if (afterContactId is not null) query = query.Where(c => string.Compare(c.Id, afterContactId) > 0);
        var rows = await query.OrderBy(c => c.Id).Take(pageSize + 1).ToListAsync(ct);
        return new Page<Contact>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }

    /// <summary>An account's contacts by id, at most <paramref name="limit"/> (the account page).</summary>
    public async Task<IReadOnlyList<Contact>> OfAccountAsync(string accountId, int limit, CancellationToken ct) =>
        await db.Contacts.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.Id).Take(limit)
            .ToListAsync(ct);

    /// <summary>
    /// Deletes a contact; false when there was none. The deletion is audited against the contact's account with its
    /// role: the contact's id may be the person's e-mail address, and the trail keeps no personal data of customers'
    /// people (docs/adr/0043-one-audit-trail-written-with-the-change.md).
    /// </summary>
    public async Task<bool> DeleteAsync(string contactId, Caller caller, CancellationToken ct)
    {
        var contact = await db.Contacts.SingleOrDefaultAsync(c => c.Id == contactId, ct);
        if (contact is null) return false;
        db.Contacts.Remove(contact);
        var change = new AuditedChange(AuditAction.ContactDeleted, AuditTargets.Account, contact.AccountId,
            Details: new { Role = contact.Role.ToString(), contact.Left });
        AuditTrail.Add(db, caller, change, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // deleted meanwhile, by another call or with its account
        }
        return true;
    }
}
