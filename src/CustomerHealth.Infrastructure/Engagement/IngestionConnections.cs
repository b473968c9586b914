using CustomerHealth.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// How the group-commit writers of <see cref="EventIngestionQueue"/> reach one engine: how many write at once, the
/// connection a group is written on, and the upkeep between groups. The queue itself knows no engine; each engine's
/// form lives beside its <see cref="RollupWriter"/>, and the database registration picks it.
/// </summary>
public abstract class IngestionConnections : IAsyncDisposable
{
    /// <summary>Writers that run at once, each with its own transaction.</summary>
    public abstract int Writers { get; }

    /// <summary>Starts the engine's own background upkeep, if any (with the writers).</summary>
    public virtual void Start() { }

    /// <summary>
    /// Points the scope's context at the connection a group is written on (its own pooled one by default).
    /// </summary>
    public virtual ValueTask UseForGroupAsync(CustomerHealthDbContext db) => ValueTask.CompletedTask;

    /// <summary>A group was committed.</summary>
    public virtual void Committed() { }

    /// <summary>A group failed in the middle of a write: its connection is not to be trusted again.</summary>
    public virtual ValueTask FailedAsync() => ValueTask.CompletedTask;

    /// <summary>The writers have stopped: ends the upkeep and closes what the engine kept open.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>PostgreSQL and SQL Server: a few writers at once, on the context's pooled connections.</summary>
public sealed class PooledIngestionConnections : IngestionConnections
{
    /// <summary>Concurrent writers on PostgreSQL and SQL Server.</summary>
    public const int ServerDatabaseWriters = 2;

    public override int Writers => ServerDatabaseWriters;
}
