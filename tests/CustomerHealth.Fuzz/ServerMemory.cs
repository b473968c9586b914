using System.Globalization;

namespace CustomerHealth.Fuzz;

/// <summary>A process's memory as Linux reports it in <c>/proc/PID/status</c>: resident now and at its peak.</summary>
public readonly record struct ServerMemory(long ResidentKiB, long PeakResidentKiB)
{
    /// <summary>The process's memory, or null when it cannot be read (not Linux, no such process).</summary>
    public static ServerMemory? Read(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path)) return null;
        long Field(string name) => File.ReadLines(path)
            .Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .Select(kib => long.Parse(kib, CultureInfo.InvariantCulture))
            .FirstOrDefault();
        try
        {
            return new ServerMemory(Field("VmRSS"), Field("VmHWM"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"RSS {ResidentKiB / 1024.0:N0} MiB (peak {PeakResidentKiB / 1024.0:N0} MiB)");
}
