using System.Runtime.ExceptionServices;

namespace CustomerHealth.Infrastructure.Renewals;

/// <summary>
/// The fits of one training, run by a fixed number of threads (the caller's and <c>parallelism − 1</c> pool threads)
/// that each take the queued fit of the lowest priority number (the first queued among equals) as soon as they are
/// free. A fit may queue more fits (a kind's refit and cross-fits once its settings are fitted), so no thread waits for
/// a whole step to finish while fits of another kind are ready. <see cref="Run"/> returns once the queue is empty and
/// no fit runs, and rethrows the first fit's failure (the fits not yet started are then dropped). The results do not
/// depend on the order: each fit writes its own slot.
/// </summary>
internal sealed class RenewalFitQueue(int parallelism)
{
    private readonly object _gate = new();
    private readonly PriorityQueue<Action, (int Priority, long Order)> _queue = new();
    private long _queued;
    private int _running;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Queues <paramref name="fit"/>; lower <paramref name="priority"/> numbers run first.</summary>
    public void Add(int priority, Action fit)
    {
        lock (_gate)
        {
            _queue.Enqueue(fit, (priority, _queued++));
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs the queued fits, and those they queue, until none is left.</summary>
    public void Run()
    {
        // The helpers are thread-pool work items, not threads of their own: ML.NET's fits queue small tasks and wait
        // for them, which a pool thread runs itself from its own queue, while from another thread each one is handed
        // to an idle pool thread and back (measured: some 60 times more involuntary context switches, and the fits
        // several times slower, on the loaded machine).
        var helpers = Enumerable.Range(1, Math.Max(1, parallelism) - 1)
            .Select(_ => Task.Factory.StartNew(
                Work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default))
            .ToArray();
        Work();
        Task.WaitAll(helpers);
        _failure?.Throw();
    }

    private void Work()
    {
        while (Next() is { } fit)
        {
            try
            {
                fit();
            }
            catch (Exception ex)
            {
                lock (_gate) _failure ??= ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                lock (_gate)
                {
                    _running--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>The next fit to run, waiting while others run that may queue more; null when all are done.</summary>
    private Action? Next()
    {
        lock (_gate)
        {
            while (_queue.Count == 0 && _running > 0 && _failure is null) Monitor.Wait(_gate);
            if (_failure is not null || !_queue.TryDequeue(out var fit, out _)) return null;
            _running++;
            return fit;
        }
    }
}
