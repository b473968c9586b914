using System.Data.Common;
using System.Globalization;

namespace CustomerHealth.Benchmarks;

/// <summary>One plain insert method of a baseline and how long it took to insert every row once.</summary>
internal sealed record BaselineMethod(string Name, TimeSpan Elapsed);

/// <summary>
/// How fast each plain method inserted the same rows in one round, with the settings they share. The report judges the
/// service against each method's median over the rounds, never against one round's fastest (BenchmarkReport).
/// </summary>
internal sealed record BaselineResult(IReadOnlyList<BaselineMethod> Methods, int Rows, string Settings)
{
    public double RowsPerSecond(BaselineMethod method) => Rows / method.Elapsed.TotalSeconds;

    /// <summary>The rate of the method named <paramref name="name"/> in this round.</summary>
    public double RowsPerSecond(string name) => RowsPerSecond(Methods.Single(m => m.Name == name));
}

/// <summary>
/// What the service stored: raw events, and events counted by the account-day rollups (both must equal what was sent).
/// </summary>
internal sealed record StoredCounts(long RawEvents, long RolledUpEvents);

/// <summary>
/// A fresh database of one engine for one run: the settings that point the server at it, the baseline (the same rows
/// inserted by the engine's fastest plain method into a table shaped like <c>usage_events</c>), and its removal.
/// </summary>
internal abstract class BenchmarkDatabase : IAsyncDisposable
{
    /// <summary>The baseline's table: same columns, primary key and indexes as <c>usage_events</c>.</summary>
    protected const string BaselineTable = "baseline_events";

    /// <summary>
    /// The columns of <c>usage_events</c> the service writes, in the order of <see cref="EventRow"/>.
    /// </summary>
    protected const string Columns = "source, event_id, account_id, user_id, event_name, occurred_at, day, quantity, " +
        "properties, received_at";

    public abstract string Name { get; }

    /// <summary><c>Database:*</c> and <c>ConnectionStrings:CustomerHealth</c> for the in-process server.</summary>
    public abstract IReadOnlyDictionary<string, string?> ServerSettings { get; }

    /// <summary>The engine's version and the durability settings that matter for the figures.</summary>
    public abstract Task<string> DescribeAsync(CancellationToken ct);

    public abstract Task<BaselineResult> InsertBaselineAsync(
        IReadOnlyList<EventRow> rows, int chunkSize, CancellationToken ct);

    public abstract Task<StoredCounts> CountStoredAsync(CancellationToken ct);

    /// <summary>
    /// A reader of the database server's own CPU for this database, or null where the engine runs in this process or
    /// the server cannot be read.
    /// </summary>
    public virtual Task<DatabaseCpu?> ServerCpuAsync(CancellationToken ct) => Task.FromResult<DatabaseCpu?>(null);

    public abstract ValueTask DisposeAsync();

    protected static async Task<StoredCounts> CountStoredAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM usage_events), (SELECT COALESCE(SUM(events), 0) FROM " +
            "account_daily_usage)";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new StoredCounts(
            Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    protected static async Task<string?> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
