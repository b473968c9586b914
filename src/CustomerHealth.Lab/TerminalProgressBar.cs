using CustomerHealth.Infrastructure.Telemetry;

namespace CustomerHealth.Lab;

/// <summary>
/// A progress bar on standard error for the lab tools' long work (<see cref="WorkProgress"/>), drawn only when standard
/// error is a terminal (not when redirected to a file or a pipe, where the log lines report the progress), at most ten
/// times a second, on one line that it rewrites.
/// </summary>
public static class TerminalProgressBar
{
    private const int Width = 30;
    private static readonly Lock Gate = new();
    private static long _drawnAt;

    /// <summary>Draws every <see cref="WorkProgress"/> of this process while standard error is a terminal.</summary>
    public static void AttachIfInteractive()
    {
        if (!Console.IsErrorRedirected) WorkProgress.Display = Draw;
    }

    /// <summary>The line for <paramref name="now"/>: work, a bar (total known), counts, rate, time left.</summary>
    public static string Line(ProgressSnapshot now)
    {
        var counts = now.Total > 0 ? $"{now.Done:N0}/{now.Total:N0} {now.Unit}" : $"{now.Done:N0} {now.Unit}";
        var stage = now.Stage is "" or "done" ? "" : $" [{now.Stage}]";
        if (now.Percent is not { } percent)
            return $"{now.Work}{stage} {counts}, {WorkProgress.Format(now.Elapsed)}";
        var filled = (int)(percent / 100 * Width);
        var left = now.Remaining is { } remaining ? WorkProgress.Format(remaining) : "?";
        var bar = new string('#', filled) + new string('.', Width - filled);
        return $"{now.Work}{stage} [{bar}] {percent,5:0.0}% {counts}, {now.Rate:N0}/s, {left} left";
    }

    private static void Draw(ProgressSnapshot now)
    {
        var done = now.Stage == "done";
        lock (Gate)
        {
            var at = Environment.TickCount64;
            if (!done && at - _drawnAt < 100) return;
            _drawnAt = at;
            var line = Line(now);
            var columns = Math.Max(20, SafeWindowWidth() - 1);
            Console.Error.Write("\r" + (line.Length > columns ? line[..columns] : line.PadRight(columns)));
            if (done) Console.Error.WriteLine();
        }
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }
}
