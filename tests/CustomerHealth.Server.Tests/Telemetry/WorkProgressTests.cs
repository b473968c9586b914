using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Lab;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CustomerHealth.Server.Tests.Telemetry;

/// <summary>Long work reports its progress at a steady cadence of the application's clock; a bar draws it.</summary>
public sealed class WorkProgressTests
{
    [Fact]
    public void ProgressIsLoggedEveryPeriodWithPercentRateAndTimeLeftThenOnceAtTheEnd()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var log = new Lines();

        using (var progress = new WorkProgress("Demo portfolio", 200, "accounts", log, clock, TimeSpan.FromSeconds(5)))
        {
            progress.Advance(50);
            clock.Advance(TimeSpan.FromSeconds(5));
            clock.Advance(TimeSpan.FromSeconds(5)); // stalled: still reported, at a lower rate
            progress.Advance(150);
        }

        Assert.Equal(
        [
            "Demo portfolio: 50 of 200 accounts (25.0%), 10/s, about 15.0 s left.",
            "Demo portfolio: 50 of 200 accounts (25.0%), 5/s, about 30.0 s left.",
            "Demo portfolio: 200 accounts in 10.0 s (20/s).",
        ], log.Written);
    }

    [Fact]
    public void WorkOfUnknownSizeReportsItsStageAndTime()
    {
        var clock = new FakeTimeProvider();
        var log = new Lines();
        using var progress = new WorkProgress(
            "Training the renewal model", 0, "outcomes", log, clock, TimeSpan.FromSeconds(65));

        progress.Advance(1200);
        progress.EnterStage("fitting");
        clock.Advance(TimeSpan.FromSeconds(65));

        Assert.Equal(["Training the renewal model [fitting]: 1,200 outcomes so far, 1:05 elapsed."], log.Written);
    }

    [Fact]
    public void TheTerminalBarShowsTheShareDoneTheRateAndTheTimeLeft()
    {
        var half = new ProgressSnapshot("Generating", "", 500, 1000, "accounts", TimeSpan.FromSeconds(10));
        var unknown = new ProgressSnapshot("Training", "fitting", 0, 0, "outcomes", TimeSpan.FromSeconds(3));

        Assert.Equal("Generating [###############...............]  50.0% 500/1,000 accounts, 50/s, 10.0 s left",
            TerminalProgressBar.Line(half));
        Assert.Equal("Training [fitting] 0 outcomes, 3.0 s", TerminalProgressBar.Line(unknown));
    }

    /// <summary>A logger that keeps the formatted lines.</summary>
    private sealed class Lines : ILogger
    {
        public List<string> Written { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (Written) Written.Add(formatter(state, exception));
        }
    }
}
