using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Persistence;
using AccountDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountDailyUsage;
using ActiveDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserActiveDays;
using FeatureDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.AccountFeatureDailyUsage;
using UserDays = CustomerHealth.Infrastructure.Persistence.SqlSchema.UserDailyActivity;

namespace CustomerHealth.Infrastructure.BulkLoad;

/// <summary>
/// Rollup rows of accounts that are new in this transaction (every user-day new, so every active one sets its bit in
/// <c>user_active_days</c>): nothing can exist under their keys, so plain inserts replace the ingestion's upserts. One
/// prepared INSERT per table, reused: the engine-neutral form of <see cref="RollupWriter.InsertFreshRollupsAsync"/>
/// (PostgreSQL's writer uses binary COPY instead).
/// </summary>
internal static class FreshRollupInserter
{
    public static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> users,
            IReadOnlyList<AccountDayDelta> accounts,
        IReadOnlyList<FeatureDayDelta> features, CancellationToken ct)
    {
        await using (var command = SqlCommands.Create(connection, transaction,
            $"INSERT INTO {UserDays.Table} ({UserDays.Columns}) VALUES (@a, @d, @u, @e, @x)"))
        {
            var (a, d, u, e, x) = (command.Add("@a", ""), command.Add("@d", DateOnly.MinValue), command.Add("@u", ""),
                command.Add("@e", 0), command.Add("@x", 0));
            await command.PrepareAsync(ct);
            foreach (var row in users)
            {
                (a.Value, d.Value, u.Value, e.Value, x.Value) = (row.AccountId, row.Day, row.UserId, row.Events,
                    row.ActiveEvents);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var command = SqlCommands.Create(connection, transaction,
            $"INSERT INTO {AccountDays.Table} ({AccountDays.Columns}) VALUES (@a, @d, @e, @u, @x)"))
        {
            var (a, d, e, u, x) = (command.Add("@a", ""), command.Add("@d", DateOnly.MinValue), command.Add("@e", 0L),
                command.Add("@u", 0), command.Add("@x", 0));
            await command.PrepareAsync(ct);
            foreach (var row in accounts)
            {
                (a.Value, d.Value, e.Value, u.Value, x.Value) = (row.AccountId, row.Day, row.Events, row.Users,
                    row.ActiveUsers);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var command = SqlCommands.Create(connection, transaction,
            $"INSERT INTO {FeatureDays.Table} ({FeatureDays.Columns}) VALUES (@a, @d, @f, @e)"))
        {
            var (a, d, f, e) = (command.Add("@a", ""), command.Add("@d", DateOnly.MinValue), command.Add("@f", ""),
                command.Add("@e", 0L));
            await command.PrepareAsync(ct);
            foreach (var row in features)
            {
                (a.Value, d.Value, f.Value, e.Value) = (row.AccountId, row.Day, row.Feature, (long)row.Events);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var command = SqlCommands.Create(connection, transaction,
            $"INSERT INTO {ActiveDays.Table} ({ActiveDays.Columns}) VALUES (@a, @b, @u, @d)"))
        {
            var (a, b, u, d) = (command.Add("@a", ""), command.Add("@b", 0), command.Add("@u", ""),
                command.Add("@d", 0L));
            await command.PrepareAsync(ct);
            foreach (var row in ActiveDayBlocks.Of(users))
            {
                (a.Value, b.Value, u.Value, d.Value) = (row.AccountId, row.Block, row.UserId, row.Days);
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
