using System.Globalization;
using System.Runtime.InteropServices;

namespace CustomerHealth.Benchmarks;

/// <summary>The machine a run is on, and how busy it is (the load average, as <c>uptime</c> prints it).</summary>
internal static class Machine
{
    public static string Describe()
    {
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo")
                .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
                ? string.Create(
                    CultureInfo.InvariantCulture,
                    $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0:N1} GiB")
                : "?"
            : "?";
        return $"{Environment.ProcessorCount} logical processors, {memory} memory, " +
            $"{RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The 1-, 5- and 15-minute load averages, or "?" off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>
/// The process's peak working set (resident set, <c>VmHWM</c>) over a phase: <see cref="Reset"/> before it (Linux
/// resets the high-water mark when 5 is written to /proc/self/clear_refs), <see cref="PeakBytes"/> after it.
/// </summary>
internal static class PeakMemory
{
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakBytes()
    {
        if (File.Exists("/proc/self/status") &&
            File.ReadLines("/proc/self/status")
                .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line)
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)
                * 1024;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static string MiB(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:N0} MiB");
}
