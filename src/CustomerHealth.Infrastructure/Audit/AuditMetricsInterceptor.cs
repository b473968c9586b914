using System.Data.Common;
using System.Runtime.CompilerServices;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerHealth.Infrastructure.Audit;

/// <summary>
/// Counts audit events in <c>customerhealth.audit.events</c> once they are committed, not when they are added: an
/// event saved inside a transaction that later rolls back was never recorded, so it must not be counted either. Every
/// audit event is written through EF Core (<see cref="AuditTrail"/>), so watching the saves and the commits of each
/// context sees all of them.
/// </summary>
public sealed class AuditMetricsInterceptor(ServiceMetrics metrics) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>The <c>rpc</c> label of changes the service makes on its own (no call behind them).</summary>
    public const string ServiceWork = "service";

    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken cancellationToken = default
    )
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData,
        int result,
        CancellationToken cancellationToken = default
    )
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) =>
        Forget(eventData.Context, saving: true);

    public override Task SaveChangesFailedAsync(
        DbContextErrorEventData eventData,
        CancellationToken cancellationToken = default
    )
    {
        Forget(eventData.Context, saving: true);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(eventData.Context);

    public Task TransactionCommittedAsync(
        DbTransaction transaction,
        TransactionEndEventData eventData,
        CancellationToken cancellationToken = default
    )
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Forget(eventData.Context, saving: false);

    public Task TransactionRolledBackAsync(
        DbTransaction transaction,
        TransactionEndEventData eventData,
        CancellationToken cancellationToken = default
    )
    {
        Forget(eventData.Context, saving: false);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Forget(eventData.Context, saving: false);

    public Task TransactionFailedAsync(
        DbTransaction transaction,
        TransactionErrorEventData eventData,
        CancellationToken cancellationToken = default
    )
    {
        Forget(eventData.Context, saving: false);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null) return;
        List<string>? rpcs = null;
        foreach (var entry in context.ChangeTracker.Entries<AuditEventRow>())
        {
            if (entry.State == EntityState.Added) (rpcs ??= []).Add(entry.Entity.Rpc ?? ServiceWork);
        }
        if (rpcs is null) return;
        lock (_pending) _pending.GetOrCreateValue(context).Saving.AddRange(rpcs);
    }

    private void Saved(DbContext? context)
    {
        if (context is null) return;
        List<string> ready;
        lock (_pending)
        {
            if (!_pending.TryGetValue(context, out var pending) || pending.Saving.Count == 0) return;
            if (context.Database.CurrentTransaction is not null)
            {
                pending.AwaitingCommit.AddRange(pending.Saving);
                pending.Saving.Clear();
                return;
            }
            ready = [.. pending.Saving];
            pending.Saving.Clear();
        }
        Record(ready);
    }

    private void Committed(DbContext? context)
    {
        if (context is null) return;
        List<string> ready;
        lock (_pending)
        {
            if (!_pending.TryGetValue(context, out var pending) || pending.AwaitingCommit.Count == 0) return;
            ready = [.. pending.AwaitingCommit];
            pending.AwaitingCommit.Clear();
        }
        Record(ready);
    }

    private void Forget(DbContext? context, bool saving)
    {
        if (context is null) return;
        lock (_pending)
        {
            if (!_pending.TryGetValue(context, out var pending)) return;
            if (saving) pending.Saving.Clear();
            else pending.AwaitingCommit.Clear();
        }
    }

    private void Record(List<string> rpcs)
    {
        foreach (var rpc in rpcs) metrics.AuditRecorded(rpc);
    }

    private sealed class Pending
    {
        public List<string> Saving { get; } = [];
        public List<string> AwaitingCommit { get; } = [];
    }
}
