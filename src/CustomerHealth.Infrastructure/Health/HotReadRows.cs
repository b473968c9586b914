using System.Data.Common;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Health;
using CustomerHealth.Infrastructure.Accounts;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>Reads the rows of <see cref="HotReadSql"/>'s statements into the rows the DbContext path returns.</summary>
internal static class HotReadRows
{
    /// <summary>The ordinal of the score's account id, the last of <see cref="HotReadSql.ScoreColumns"/>.</summary>
    private const int AccountIdOrdinal = 25;

    /// <summary>The first of the account columns a list page selects after the score's.</summary>
    private const int AccountColumns = AccountIdOrdinal + 1;

    public static HealthScoreRow Score(DbDataReader r) => new()
    {
        AccountId = r.GetString(AccountIdOrdinal),
        Score = r.IsDBNull(0) ? null : r.GetDouble(0),
        Band = (HealthBand)r.GetInt32(1),
        Tier = (CsTier)r.GetInt32(2),
        Stage = (LifecycleStage)r.GetInt32(3),
        EffectiveAccount = r.GetBoolean(4),
        CompletenessShare = r.GetDouble(5),
        DetailJson = r.GetString(6),
        Change7Days = r.IsDBNull(7) ? null : r.GetDouble(7),
        Change30Days = r.IsDBNull(8) ? null : r.GetDouble(8),
        ScorecardVersion = r.GetInt32(9),
        AsOf = Utc(r.GetDateTime(10)),
        ComputedAt = Utc(r.GetDateTime(11)),
        RenewalDate = Day(r, 12),
        ArrMicros = r.IsDBNull(13) ? null : r.GetInt64(13),
        Currency = r.IsDBNull(14) ? null : r.GetString(14),
        FirstActiveDay = Day(r, 15),
        FirstValueDay = Day(r, 16),
        MonthlyActiveUsers = r.IsDBNull(17) ? null : r.GetInt32(17),
        Override = r.IsDBNull(18) ? null : new HealthOverride(
            r.IsDBNull(19) ? null : r.GetDouble(19), (HealthBand)r.GetInt32(20), r.GetString(21), r.GetString(22),
            new DateTimeOffset(Utc(r.GetDateTime(23))), new DateTimeOffset(Utc(r.GetDateTime(24)))),
    };

    /// <summary>The account summary a list page joins, or null when the account row is gone.</summary>
    public static AccountSummaryRow? Account(DbDataReader r, string accountId) =>
        r.IsDBNull(AccountColumns) ? null : new AccountSummaryRow(
            accountId, r.GetString(AccountColumns),
            r.IsDBNull(AccountColumns + 1) ? null : r.GetString(AccountColumns + 1),
            r.IsDBNull(AccountColumns + 2) ? null : r.GetString(AccountColumns + 2),
            (CsTier)r.GetInt32(AccountColumns + 3));

    private static DateOnly? Day(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateOnly>(ordinal);

    private static DateTime Utc(DateTime value) => value.Kind == DateTimeKind.Utc
        ? value
        : DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Utc);
}
