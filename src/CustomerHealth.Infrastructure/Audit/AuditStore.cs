using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Audit;

/// <summary>Filters of an audit listing; null means any. <see cref="From"/> is inclusive, <see cref="To"/>
/// exclusive.</summary>
public sealed record AuditFilter(
    string? Caller = null,
    string? TargetType = null,
    string? TargetId = null,
    IReadOnlyCollection<AuditAction>? Actions = null,
    DateTime? From = null,
    DateTime? To = null
);

/// <summary>Reads the audit trail, newest first, in keyset pages.</summary>
public sealed class AuditStore(CustomerHealthDbContext db)
{
    /// <summary>The events matching <paramref name="filter"/> older than the event <paramref name="beforeId"/> of a
    /// previous page.</summary>
    public async Task<Page<AuditEventRow>> ListAsync(
        AuditFilter filter,
        int pageSize,
        long? beforeId,
        CancellationToken ct
    )
    {
        var query = db.AuditEvents.AsNoTracking();
        if (filter.Caller is { } caller)
            query = query.Where(e => e.Caller == caller);
        if (filter.TargetType is { } type)
            query = query.Where(e => e.TargetType == type);
        if (filter.TargetId is { } id)
            query = query.Where(e => e.TargetId == id);
        if (filter.Actions is { Count: > 0 } actions)
            query = query.Where(e => actions.Contains(e.Action));
        if (filter.From is { } from)
            query = query.Where(e => e.At >= from);
        if (filter.To is { } to)
            query = query.Where(e => e.At < to);
        if (beforeId is { } before)
            query = query.Where(e => e.Id < before);
        var rows = await query.OrderByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(ct);
        return new Page<AuditEventRow>(rows.Take(pageSize).ToArray(), rows.Count > pageSize);
    }
}
