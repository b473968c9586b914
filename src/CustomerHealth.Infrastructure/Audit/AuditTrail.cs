using System.Text.Json;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Audit;

/// <summary>One change to audit: what, to which target, and the state around it.</summary>
/// <param name="Details">Parameters and counts of the change, serialised as JSON (an anonymous object is fine).</param>
public sealed record AuditedChange(
    AuditAction Action,
    string TargetType,
    string? TargetId,
    string? BeforeJson = null,
    string? AfterJson = null,
    object? Details = null
);

/// <summary>
/// Writes audit events into the unit of work of the change they record, so that the change and its event commit (or
/// fail) together: callers add the event before the <c>SaveChanges</c> / commit of the change's transaction.
/// </summary>
public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds the event to <paramref name="db"/>'s change tracker; it is written by the next save.</summary>
    public static void Add(CustomerHealthDbContext db, Caller caller, AuditedChange change, DateTime atUtc)
    {
        db.AuditEvents.Add(
            new AuditEventRow
            {
                At = atUtc,
                Action = change.Action,
                Rpc = caller.Rpc,
                Caller = caller.Identity,
                CallerKind = caller.Kind,
                OnBehalfOf = caller.OnBehalfOf,
                TargetType = change.TargetType,
                TargetId = change.TargetId,
                BeforeJson = change.BeforeJson,
                AfterJson = change.AfterJson,
                DetailsJson = change.Details is null ? null : JsonSerializer.Serialize(change.Details, Json),
            }
        );
    }

    /// <summary>Adds the event and saves it, inside the transaction the caller has open.</summary>
    public static async Task WriteAsync(
        CustomerHealthDbContext db,
        Caller caller,
        AuditedChange change,
        DateTime atUtc,
        CancellationToken ct
    )
    {
        Add(db, caller, change, atUtc);
        await db.SaveChangesAsync(ct);
    }
}
