namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The store side of a pass that commits many batches one after the other on one context (the full recompute): what
/// the engine keeps ready between the commits, and is told after each. The default keeps nothing; SQLite moves its
/// checkpoints off the storing thread (<see cref="Sqlite.SqliteRecomputePass"/>).
/// </summary>
internal class RecomputePass : IAsyncDisposable
{
    /// <summary>
    /// How many accounts the pass stores per transaction at least: the batches read are stored together until they
    /// hold that many (at least one batch a transaction). The default, 0, commits every batch by itself.
    /// </summary>
    public virtual int AccountsPerCommit => 0;

    /// <summary>A batch was committed.</summary>
    public virtual void Committed() { }

    /// <summary>The pass is over: the engine's upkeep ends and the context's connection is left as it was.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
