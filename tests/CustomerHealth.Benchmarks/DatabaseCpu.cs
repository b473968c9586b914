using System.Globalization;
using Npgsql;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// CPU time used by a local PostgreSQL server (the postmaster and its children: our backends, the writer, the WAL
/// writer), read from /proc, so a phase's database work can be told apart from the other load of a shared machine. Null
/// when the server is not on this machine or /proc cannot be read.
/// </summary>
internal sealed class DatabaseCpu
{
    private const double TicksPerSecond = 100; // USER_HZ
    private readonly int _postmaster;

    private readonly string? _backendsOf;

    private DatabaseCpu(int postmaster, string? backendsOf)
    {
        _postmaster = postmaster;
        _backendsOf = backendsOf;
    }

    /// <summary>With <paramref name="ownBackendsOnly"/>, only the backends connected to this database (named in their
    /// process title) are counted: other sessions sharing the server do not show.</summary>
    public static async Task<DatabaseCpu?> TryCreateAsync(
        ExistingDatabase database, CancellationToken ct, bool ownBackendsOnly = false)
    {
        if (database.Provider != "PostgreSql" || !Directory.Exists("/proc")) return null;
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SHOW data_directory", connection);
            var directory = (string)(await command.ExecuteScalarAsync(ct))!;
            var pidFile = Path.Combine(directory, "postmaster.pid");
            if (!File.Exists(pidFile)) return null;
            return new DatabaseCpu(int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture),
                ownBackendsOnly ? $" {connection.Database} " : null);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>User plus system CPU time of the postmaster and every process whose parent it is, now.</summary>
    public TimeSpan Now()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(
                Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // After the command name in parentheses: state, ppid, …; utime and stime are fields 14 and 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid != _postmaster && ppid != _postmaster) continue;
                if (_backendsOf is not null
                    && (pid == _postmaster || !File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(_backendsOf)))
                    continue;
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture)
                    + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
