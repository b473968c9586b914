using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// The retry policy of the server engines: a transient failure is retried at once, then once more after about a
/// second, and never past <see cref="DatabaseOptions.MaxWaitSeconds"/> since the first attempt. EF Core's default
/// (six retries, delays up to 30 s) held a call for about 57 s during an outage before it failed; this one answers
/// within about a second of the database going away, which is what a caller's own retry with backoff needs. Each
/// failure that broke connections empties the pools (<see cref="DatabaseOutages.ForgetBrokenConnections"/>).
/// </summary>
public static class BoundedRetries
{
    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetryCount = 2;

    /// <summary>The longest pause between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The next pause, or null to give up: the base policy's, unless it would end past the bound.</summary>
    internal static TimeSpan? Within(TimeSpan? next, long startedAt, TimeSpan bound, Exception lastException)
    {
        DatabaseOutages.ForgetBrokenConnections(lastException);
        if (next is not { } delay) return null;
        return Stopwatch.GetElapsedTime(startedAt) + delay < bound ? delay : null;
    }
}

/// <summary>PostgreSQL's retrying strategy under <see cref="BoundedRetries"/>.</summary>
internal sealed class BoundedNpgsqlRetries(ExecutionStrategyDependencies dependencies, TimeSpan bound)
    : NpgsqlRetryingExecutionStrategy(dependencies, BoundedRetries.MaxRetryCount, BoundedRetries.MaxRetryDelay, null)
{
    private long _startedAt;

    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        _startedAt = Stopwatch.GetTimestamp();
    }

    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        BoundedRetries.Within(base.GetNextDelay(lastException), _startedAt, bound, lastException);
}

/// <summary>SQL Server's retrying strategy under <see cref="BoundedRetries"/>.</summary>
internal sealed class BoundedSqlServerRetries(ExecutionStrategyDependencies dependencies, TimeSpan bound)
    : SqlServerRetryingExecutionStrategy(dependencies, BoundedRetries.MaxRetryCount, BoundedRetries.MaxRetryDelay, null)
{
    private long _startedAt;

    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        _startedAt = Stopwatch.GetTimestamp();
    }

    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        BoundedRetries.Within(base.GetNextDelay(lastException), _startedAt, bound, lastException);
}
