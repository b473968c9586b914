using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Telemetry;

/// <summary>Where long work stands: done of total (0: unknown), its stage, and how long it has run.</summary>
public sealed record ProgressSnapshot(string Work, string Stage, long Done, long Total, string Unit, TimeSpan Elapsed)
{
    public double? Percent => Total > 0 ? Math.Min(100, 100.0 * Done / Total) : null;

    public double Rate => Done / Math.Max(Elapsed.TotalSeconds, 1e-3);

    /// <summary>Time left at the rate so far; null while unknown.</summary>
    public TimeSpan? Remaining => Total > 0 && Done > 0 ? TimeSpan.FromSeconds((Total - Done) / Rate) : null;
}

/// <summary>
/// The progress of long work (a demo load, <c>generate</c>, migrations, training), logged every
/// <see cref="DefaultEvery"/> by the application's clock (percent, rate, time left), stalled or not, and once more at
/// the end with the total time. <see cref="Display"/> lets a terminal program draw it too.
/// </summary>
public sealed class WorkProgress : IDisposable
{
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(5);

    private readonly string _work;
    private readonly string _unit;
    private readonly long _total;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private readonly ITimer _timer;
    private long _done;
    private string _stage = "";
    private int _finished;

    /// <param name="total">Units of work in all; 0 when unknown (only the stage and time are reported then).</param>
    public WorkProgress(
        string work, long total, string unit, ILogger logger, TimeProvider clock, TimeSpan? every = null)
    {
        (_work, _total, _unit, _logger, _clock) = (work, total, unit, logger, clock);
        _started = clock.GetTimestamp();
        var period = every ?? DefaultEvery;
        _timer = clock.CreateTimer(_ => Report(), null, period, period);
        Display?.Invoke(Snapshot());
    }

    /// <summary>Called at every change of any work's progress (a terminal's progress bar); none by default.</summary>
    public static Action<ProgressSnapshot>? Display { get; set; }

    /// <summary>Counts <paramref name="units"/> more done (thread-safe).</summary>
    public void Advance(long units = 1)
    {
        Interlocked.Add(ref _done, units);
        Display?.Invoke(Snapshot());
    }

    /// <summary>Names what the work is doing now (e.g. "fitting"); it shows in the next report.</summary>
    public void EnterStage(string stage)
    {
        Volatile.Write(ref _stage, stage);
        Display?.Invoke(Snapshot());
    }

    public ProgressSnapshot Snapshot() =>
        new(_work, Volatile.Read(ref _stage), Interlocked.Read(ref _done), _total, _unit,
            _clock.GetElapsedTime(_started));

    /// <summary>Logs the last line (the total time) and stops reporting.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1) return;
        _timer.Dispose();
        var last = Snapshot();
        Display?.Invoke(last with { Stage = "done" });
        _logger.LogInformation("{Work}: {Done:N0} {Unit} in {Elapsed} ({Rate:N0}/s).",
            _work, last.Done, _unit, Format(last.Elapsed), last.Rate);
    }

    private void Report()
    {
        if (Volatile.Read(ref _finished) == 1) return;
        var now = Snapshot();
        var stage = now.Stage.Length > 0 ? $" [{now.Stage}]" : "";
        if (now.Percent is { } percent)
            _logger.LogInformation(
                "{Work}{Stage}: {Done:N0} of {Total:N0} {Unit} ({Percent:0.0}%), {Rate:N0}/s, about {Remaining} left.",
                _work, stage, now.Done, now.Total, _unit, percent, now.Rate,
                now.Remaining is { } left ? Format(left) : "?");
        else
            _logger.LogInformation("{Work}{Stage}: {Done:N0} {Unit} so far, {Elapsed} elapsed.",
                _work, stage, now.Done, _unit, Format(now.Elapsed));
    }

    /// <summary>1:02:03, 2:03 or 4.5 s.</summary>
    public static string Format(TimeSpan span) => span.TotalSeconds < 60
        ? $"{span.TotalSeconds:0.0} s"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}:{span:mm\\:ss}" : $"{span:m\\:ss}";
}
