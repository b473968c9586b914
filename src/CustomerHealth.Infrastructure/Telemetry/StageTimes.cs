using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Telemetry;

/// <summary>
/// Wall time and the process's CPU time summed per named stage of one piece of work (a training's feature reads, its
/// model fits), logged at Debug as one line: where the time of a long run went, without a profiler. The CPU time is
/// the whole process's over the stage, so it is a fair share only while the work runs on one thread at a time.
/// </summary>
public sealed class StageTimes
{
    private readonly Dictionary<string, (TimeSpan Elapsed, TimeSpan Cpu, int Count)> _stages =
        new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Runs <paramref name="work"/> and adds its wall time to <paramref name="stage"/>.</summary>
    public async Task<T> TimeAsync<T>(string stage, Func<Task<T>> work)
    {
        var started = Start();
        try
        {
            return await work();
        }
        finally
        {
            Stop(stage, started);
        }
    }

    /// <summary>Runs <paramref name="work"/> and adds its wall time to <paramref name="stage"/>.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        var started = Start();
        try
        {
            return work();
        }
        finally
        {
            Stop(stage, started);
        }
    }

    /// <summary>The wall clock and the process's CPU time now, for <see cref="Stop"/>.</summary>
    public static (long Wall, TimeSpan Cpu) Start() =>
        (Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    /// <summary>Adds the time since <paramref name="started"/> (<see cref="Start"/>) to
    /// <paramref name="stage"/>.</summary>
    public void Stop(string stage, (long Wall, TimeSpan Cpu) started)
    {
        var (elapsed, cpu) = (Stopwatch.GetElapsedTime(started.Wall), Environment.CpuUsage.TotalTime - started.Cpu);
        lock (_stages)
        {
            if (!_stages.TryGetValue(stage, out var sum)) _order.Add(stage);
            _stages[stage] = (sum.Elapsed + elapsed, sum.Cpu + cpu, sum.Count + 1);
        }
    }

    /// <summary>"stage 1.23 s wall, 1.01 s CPU (n), …" in the order the stages first ran.</summary>
    public override string ToString()
    {
        lock (_stages)
        {
            return string.Join(", ", _order.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s} {_stages[s].Elapsed.TotalSeconds:0.00} s wall, {_stages[s].Cpu.TotalSeconds:0.00} s CPU " +
                $"({_stages[s].Count})")));
        }
    }

    /// <summary>Logs the stages at Debug under <paramref name="work"/>.</summary>
    public void LogDebug(ILogger? logger, string work)
    {
        if (logger?.IsEnabled(LogLevel.Debug) == true) logger.LogDebug("{Work} took: {Stages}", work, ToString());
    }
}
