using System.Diagnostics;
using System.Globalization;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// What a measured phase cost: CPU time of this process (the server and the client), and on Linux the busy CPU time of
/// the whole machine (a local database server included) and the bytes this process handed to write calls (SQLite's WAL
/// and checkpoints). Take one sample before the phase and one after; their difference is the phase's cost.
/// </summary>
internal readonly record struct ResourceUsage(TimeSpan ProcessCpu, TimeSpan? MachineCpu, long? BytesWritten)
{
    /// <summary>Linux reports /proc/stat in USER_HZ, 100 per second on every mainstream architecture.</summary>
    private const double ProcStatTicksPerSecond = 100;

    public static ResourceUsage Now() =>
        new(Process.GetCurrentProcess().TotalProcessorTime, MachineBusy(), ProcessBytesWritten());

    public ResourceUsage Since(ResourceUsage start) => new(
        ProcessCpu - start.ProcessCpu,
        MachineCpu - start.MachineCpu,
        BytesWritten - start.BytesWritten);

    public string Describe(int events)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"CPU {ProcessCpu.TotalSeconds:N1} s in this process");
        if (MachineCpu is { } machine) text += string.Create(c, $", {machine.TotalSeconds:N1} s on the whole machine");
        if (BytesWritten is { } bytes) text += string.Create(
            c, $"; {bytes / 1e9:N2} GB written by this process ({bytes / 1024.0 / events:N1} KiB per event)");
        return text;
    }

    /// <summary>Busy time of all processors (everything but idle and I/O wait), or null off Linux.</summary>
    private static TimeSpan? MachineBusy()
    {
        if (!File.Exists("/proc/stat")) return null;
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return TimeSpan.FromSeconds((ticks.Sum() - ticks[3] - ticks[4]) / ProcStatTicksPerSecond);
    }

    /// <summary>The <c>wchar</c> counter of /proc/self/io (bytes passed to write calls), or null off Linux.</summary>
    private static long? ProcessBytesWritten()
    {
        if (!File.Exists("/proc/self/io")) return null;
        var line = File.ReadLines("/proc/self/io")
            .FirstOrDefault(l => l.StartsWith("wchar:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
