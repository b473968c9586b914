using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>An NPS answer as the caller sends it, already checked field by field.</summary>
public sealed record NpsResponseInput(
    string ResponseId, string AccountId, string RespondentId, int Score, string? Comment, DateTime AnsweredAt);

/// <summary>A support ticket as the help desk sends it, already checked field by field.</summary>
public sealed record SupportTicketInput(
    string TicketId, string AccountId, TicketSeverity Severity, string? Subject, DateTime OpenedAt, DateTime? ClosedAt);

/// <summary>A CSM touchpoint as the caller sends it, already checked field by field.</summary>
public sealed record TouchpointInput(
    string TouchpointId, string AccountId, TouchpointKind Kind, DateTime OccurredAt, string Csm, string? Note);

/// <summary>Where the previous page of a newest-first listing ended: the last row's instant and id.</summary>
public sealed record SignalCursor(DateTime At, string Id);

/// <summary>Reads and writes NPS answers, support tickets and CSM touchpoints: idempotent by the caller's
/// ids.</summary>
/// <remarks>
/// Each write is one <c>SaveChanges</c>; a repeat that changes nothing writes nothing. Lists are keyset-paged newest
/// first (instant descending, ties by id ascending), so pages stay stable while rows are added.
/// </remarks>
public sealed class SignalStore(CustomerHealthDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The server's clock, for the "not in the future" rules of requests.</summary>
    public DateTime CurrentTime => Now;

    /// <summary>
    /// Records or corrects an NPS answer. Throws <see cref="NotFoundException"/> when the account does not exist.
    /// </summary>
    public Task<(NpsResponse Response, bool Created)> RecordNpsResponseAsync(
        NpsResponseInput answer, CancellationToken ct) =>
        UpsertAsync(db.NpsResponses, answer.ResponseId, answer.AccountId,
            now =>
                NpsResponse.Create(
                    answer.ResponseId, answer.AccountId, answer.RespondentId, answer.Score, answer.Comment,
                    answer.AnsweredAt, now),
            (stored, now) =>
                stored.Update(
                    answer.AccountId, answer.RespondentId, answer.Score, answer.Comment, answer.AnsweredAt, now),
            ct);

    /// <summary>
    /// Opens, updates or closes a support ticket. Throws <see cref="NotFoundException"/> when the account does not
    /// exist.
    /// </summary>
    public Task<(SupportTicket Ticket, bool Created)> UpsertSupportTicketAsync(
        SupportTicketInput ticket, CancellationToken ct) =>
        UpsertAsync(db.SupportTickets, ticket.TicketId, ticket.AccountId,
            now =>
                SupportTicket.Create(
                    ticket.TicketId, ticket.AccountId, ticket.Severity, ticket.Subject, ticket.OpenedAt,
                    ticket.ClosedAt, now),
            (stored, now) =>
                stored.Update(ticket.AccountId, ticket.Severity, ticket.Subject, ticket.OpenedAt, ticket.ClosedAt, now),
            ct);

    /// <summary>
    /// Records or corrects a touchpoint. Throws <see cref="NotFoundException"/> when the account does not exist.
    /// </summary>
    public Task<(Touchpoint Touchpoint, bool Created)> RecordTouchpointAsync(
        TouchpointInput touchpoint, CancellationToken ct) =>
        UpsertAsync(db.Touchpoints, touchpoint.TouchpointId, touchpoint.AccountId,
            now =>
                Touchpoint.Create(
                    touchpoint.TouchpointId, touchpoint.AccountId, touchpoint.Kind, touchpoint.OccurredAt,
                    touchpoint.Csm, touchpoint.Note, now),
            (stored, now) =>
                stored.Update(
                    touchpoint.AccountId, touchpoint.Kind, touchpoint.OccurredAt, touchpoint.Csm, touchpoint.Note, now),
            ct);

    /// <summary>An account's NPS answers, newest answered first.</summary>
    public async Task<Page<NpsResponse>> ListNpsResponsesAsync(
        string accountId, int pageSize, SignalCursor? after, CancellationToken ct)
    {
        await EnsureAccountExistsAsync(accountId, ct);
        var query = db.NpsResponses.AsNoTracking().Where(n => n.AccountId == accountId);
        if (after is not null)
        {
            var (at, id) = after;
            query = query.Where(n => n.AnsweredAt < at || (n.AnsweredAt == at && string.Compare(n.Id, id) > 0));
        }
        return await ToPageAsync(query.OrderByDescending(n => n.AnsweredAt).ThenBy(n => n.Id), pageSize, ct);
    }

    /// <summary>
    /// An account's support tickets, newest opened first; <paramref name="openOnly"/> keeps those without a close time.
    /// </summary>
    public async Task<Page<SupportTicket>> ListSupportTicketsAsync(
        string accountId, bool openOnly, int pageSize, SignalCursor? after, CancellationToken ct)
    {
        await EnsureAccountExistsAsync(accountId, ct);
        var query = db.SupportTickets.AsNoTracking().Where(t => t.AccountId == accountId);
        if (openOnly) query = query.Where(t => t.ClosedAt == null);
        if (after is not null)
        {
            var (at, id) = after;
            query = query.Where(t => t.OpenedAt < at || (t.OpenedAt == at && string.Compare(t.Id, id) > 0));
        }
        return await ToPageAsync(query.OrderByDescending(t => t.OpenedAt).ThenBy(t => t.Id), pageSize, ct);
    }

    /// <summary>An account's touchpoints, most recent first.</summary>
    public async Task<Page<Touchpoint>> ListTouchpointsAsync(
        string accountId, int pageSize, SignalCursor? after, CancellationToken ct)
    {
        await EnsureAccountExistsAsync(accountId, ct);
        var query = db.Touchpoints.AsNoTracking().Where(t => t.AccountId == accountId);
        if (after is not null)
        {
            var (at, id) = after;
            query = query.Where(t => t.OccurredAt < at || (t.OccurredAt == at && string.Compare(t.Id, id) > 0));
        }
        return await ToPageAsync(query.OrderByDescending(t => t.OccurredAt).ThenBy(t => t.Id), pageSize, ct);
    }

    /// <summary>
    /// Creates the row keyed by <paramref name="id"/>, or updates the stored one (which throws when it belongs to
    /// another account). A concurrent caller inserting the same id, or deleting the account, makes it start over from
    /// what is stored then (<see cref="LostRaces"/>): the loser updates the winner's row, or answers NOT_FOUND.
    /// </summary>
    private Task<(T Entity, bool Created)> UpsertAsync<T>(
        DbSet<T> rows, string id, string accountId, Func<DateTime, T> create, Func<T, DateTime, bool> update,
        CancellationToken ct)
        where T : class =>
        db.StartOverAsync(async () =>
        {
            var now = Now;
            await EnsureAccountExistsAsync(accountId, ct);
            var entity = await rows.FindAsync([id], ct);
            var created = entity is null;
            if (entity is null)
            {
                entity = create(now);
                rows.Add(entity);
            }
            else
            {
                update(entity, now);
            }
            await db.SaveChangesAsync(ct);
            return (entity, created);
        });

    private async Task EnsureAccountExistsAsync(string accountId, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct)) throw new NotFoundException("Account", accountId);
    }

    private static async Task<Page<T>> ToPageAsync<T>(IQueryable<T> ordered, int pageSize, CancellationToken ct)
    {
        var rows = await ordered.Take(pageSize + 1).ToListAsync(ct);
        return new Page<T>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }
}
