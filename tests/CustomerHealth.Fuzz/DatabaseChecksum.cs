namespace CustomerHealth.Fuzz;

/// <summary>
/// A fingerprint of the whole database (per table: row count and a hash of its rows), read through a function the
/// host supplies (the tests read their database directly). Compared around calls run one at a time.
/// </summary>
public sealed class DatabaseChecksum(Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> read)
{
    /// <summary>The pause between two readings while waiting for background work to finish.</summary>
    public static readonly TimeSpan SettlePause = TimeSpan.FromMilliseconds(300);

    /// <summary>How long to wait for the database to hold still (then the last reading counts).</summary>
    public static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(20);

    public async Task<string> ReadAsync(CancellationToken ct) => Flatten(await read(ct));

    /// <summary>A reading equal to the one a pause earlier: the database once background work is done.</summary>
    public async Task<string> SettledAsync(CancellationToken ct)
    {
        var giveUp = DateTimeOffset.UtcNow + SettleLimit;
        var last = await ReadAsync(ct);
        while (DateTimeOffset.UtcNow < giveUp)
        {
            await Task.Delay(SettlePause, ct);
            var now = await ReadAsync(ct);
            if (now == last) return now;
            last = now;
        }
        return last;
    }

    /// <summary>The tables whose entries differ between two readings.</summary>
    public static string Changed(string before, string after)
    {
        var was = before.Split('\n').ToHashSet();
        var changed = after.Split('\n').Where(line => !was.Contains(line)).Select(line => line.Split('=')[0]);
        return string.Join(", ", changed);
    }

    private static string Flatten(IReadOnlyDictionary<string, string> tables) =>
        string.Join('\n', tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
}
