using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Fuzzing;

/// <summary>
/// Every table of the test database (from the engine's own catalogue, so tables outside the EF model count too) with
/// its row count and an order-independent hash of its rows: the sum of a SHA-256 prefix of each row's values. Works
/// on SQLite and PostgreSQL.
/// </summary>
public static class TableChecksums
{
    /// <summary>
    /// Tables left out: the background loops' leases, which every replica renews on each tick by design, whatever the
    /// callers do (src/CustomerHealth.Server/Hosting/LeasedLoop.cs), and the tables the background workers keep
    /// writing while the suite runs, as they catch up with the accepted calls made before: scores, snapshots and the
    /// change feed with their queue, onboarding milestones completed by evidence with their queue, and renewal
    /// predictions with their change feed, the plays the recompute opens and resolves as it stores scores with their
    /// change feed, and the webhook outbox the recompute fills with band changes and the dispatcher fans out and sends.
    /// CI saw a rejected call blamed for the renewal worker's rows, and a run blamed one for the plays a rescoring
    /// opened after the database had looked settled between two of the worker's ticks.
    /// </summary>
    public static readonly IReadOnlySet<string> Excluded = new HashSet<string>(StringComparer.Ordinal)
    {
        "work_leases",
        "health_scores", "health_snapshots", "health_changes", "health_recompute_queue",
        "onboarding_milestones", "onboarding_evaluation_queue",
        "renewal_predictions", "renewal_prediction_changes",
        "plays", "play_changes",
        "webhook_events", "webhook_deliveries",
    };

    public static Task<IReadOnlyDictionary<string, string>> ReadAsync(ServiceUnderTest service, CancellationToken ct) =>
        service.InDatabaseAsync<IReadOnlyDictionary<string, string>>(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(ct);
            try
            {
                var tables = await TablesAsync(connection, db.Database.IsSqlite(), ct);
                var sums = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var table in tables) sums[table] = await ChecksumAsync(connection, table, ct);
                return sums;
            }
            finally
            {
                await connection.CloseAsync();
            }
        });

    private static async Task<List<string>> TablesAsync(DbConnection connection, bool sqlite, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables " +
              "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!Excluded.Contains(reader.GetString(0))) tables.Add(reader.GetString(0));
        }
        return tables;
    }

    private static async Task<string> ChecksumAsync(DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(ct);
        long rows = 0;
        ulong sum = 0;
        var row = new StringBuilder();
        while (await reader.ReadAsync(ct))
        {
            row.Clear();
            for (var i = 0; i < reader.FieldCount; i++) row.Append(Text(reader.GetValue(i))).Append('\u001f');
            sum += BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(row.ToString())), 0);
            rows++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{rows}:{sum:x16}");
    }

    private static string Text(object value) => value switch
    {
        DBNull => "\u2400",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
