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
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> users, IReadOnlyList<AccountDayDelta> accounts,
        IReadOnlyList<FeatureDayDelta> features, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using (var copy = await npgsql.BeginBinaryImportAsync($"COPY {UserDays.Table} ({UserDays.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in users)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(row.UserId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Events, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.ActiveEvents, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await npgsql.BeginBinaryImportAsync($"COPY {AccountDays.Table} ({AccountDays.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in accounts)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(row.Events, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(row.Users, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.ActiveUsers, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await npgsql.BeginBinaryImportAsync($"COPY {FeatureDays.Table} ({FeatureDays.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in features)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Day, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(row.Feature, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync((long)row.Events, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await npgsql.BeginBinaryImportAsync($"COPY {ActiveDays.Table} ({ActiveDays.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in ActiveDayBlocks.Of(users))
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.AccountId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Block, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.UserId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(row.Days, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
    }
}
