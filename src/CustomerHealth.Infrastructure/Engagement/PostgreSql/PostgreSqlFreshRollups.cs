using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using Npgsql;
using NpgsqlTypes;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.Engagement.PostgreSql;

/// <summary>
/// PostgreSQL's bulk-load insert of the rollup rows of accounts new in the transaction: one binary COPY per table
/// (see <see cref="RollupWriter.InsertFreshRollupsAsync"/>).
/// </summary>
internal static class PostgreSqlFreshRollups
{
    public static async Task CopyAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> users,
        IReadOnlyList<AccountDayDelta> accounts, IReadOnlyList<FeatureDayDelta> features, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        await CopyRowsAsync(npgsql, UserDays.Table, UserDays.Columns, users, async (copy, row) =>
        {
            await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(row.UserId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Events, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(row.ActiveEvents, NpgsqlDbType.Integer, ct);
        }, ct);
        await CopyRowsAsync(npgsql, AccountDays.Table, AccountDays.Columns, accounts, async (copy, row) =>
        {
            await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(row.Events, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(row.Users, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(row.ActiveUsers, NpgsqlDbType.Integer, ct);
        }, ct);
        await CopyRowsAsync(npgsql, FeatureDays.Table, FeatureDays.Columns, features, async (copy, row) =>
        {
            await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(row.Feature, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync((long)row.Events, NpgsqlDbType.Bigint, ct);
        }, ct);
        await CopyRowsAsync(
            npgsql, ActiveDays.Table, ActiveDays.Columns, ActiveDayBlocks.Of(users), async (copy, row) =>
        {
            await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Block, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(row.UserId, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(row.Days, NpgsqlDbType.Bigint, ct);
        }, ct);
    }

    /// <summary>One binary COPY of <paramref name="rows"/> into <paramref name="table"/>, a row per element.</summary>
    private static async Task CopyRowsAsync<T>(
        NpgsqlConnection connection, string table, string columns, IEnumerable<T> rows,
        Func<NpgsqlBinaryImporter, T, Task> writeRow, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            await writeRow(copy, row);
        }
        await copy.CompleteAsync(ct);
    }
}
