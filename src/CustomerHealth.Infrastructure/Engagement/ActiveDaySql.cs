using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Each provider's SQL for a day's place in its active-day block (<see cref="ActiveDayBlocks"/>): the day's number counted
/// from 0001-01-01 (<see cref="DateOnly.DayNumber"/>) and the OR of one bit per day. The migrations that backfilled the
/// blocks keep their own frozen copies.
/// </summary>
internal static class ActiveDaySql
{
    public static string PostgreSqlDayNumber(string day) => $"({day} - DATE '0001-01-01')";

    /// <summary>
    /// The day-number expression of column <paramref name="day"/>, and the aggregate that ORs <paramref name="bit"/>'s
    /// bits. Where there is no <c>bit_or</c> the aggregate is a SUM, which equals the OR when the bits of a group are
    /// distinct (one row per user and day) and never reaches the sign bit (63 bits).
    /// </summary>
    public static (string DayNumber, string BitOr) For(DbConnection connection, string day, string bit) => connection switch
    {
        NpgsqlConnection => (PostgreSqlDayNumber(day), $"bit_or(1::bigint << {bit})"),
        SqliteConnection => ($"CAST(julianday({day}) - julianday('0001-01-01') AS INTEGER)", $"SUM(1 << {bit})"),
        _ => ($"DATEDIFF(DAY, CAST('0001-01-01' AS date), [{day}])", $"SUM(POWER(CAST(2 AS bigint), {bit}))"),
    };
}
