using System.Collections.Concurrent;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Keeps repeated identical log lines down: a line with a given key is written at most once per <see cref="Window"/>;
/// the next one written says how many were left out in between. Keys are few (an RPC and a reason), but the table is
/// emptied when it grows past <see cref="MaxKeys"/> all the same.
/// </summary>
public sealed class LogThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    public const int MaxKeys = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Whether to write the line with <paramref name="key"/> now, and how many were left out since the last
    /// one.</summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        if (_entries.Count > MaxKeys) _entries.Clear();
        var now = Environment.TickCount64;
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry)
        {
            if (entry.LastWritten is { } last && now - last < Window.TotalMilliseconds)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }
            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.LastWritten = now;
            return true;
        }
    }

    private sealed class Entry
    {
        public long? LastWritten;
        public long Suppressed;
    }
}
