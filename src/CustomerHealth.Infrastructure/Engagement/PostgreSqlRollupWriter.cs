using System.Data.Common;
using CustomerHealth.Domain.Engagement;
using Npgsql;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// PostgreSQL: each step is one statement over arrays (<c>unnest</c>), so a batch costs a handful of round trips
/// whatever its size. Rows are sorted by key before upserting, so concurrent writers lock them in the same order.
/// </summary>
internal sealed class PostgreSqlRollupWriter : RollupWriter
{
    public override string ReadCatalogueSql => "SELECT version, entries FROM event_catalogue WHERE id = 1 FOR SHARE";

    public override async Task<IReadOnlyList<int>> InsertEventsAsync(DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<EventToWrite> events, DateTime receivedAt, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO usage_events (source, event_id, account_id, user_id, event_name, occurred_at, day, quantity, properties, received_at)
            SELECT @source, e.event_id, e.account_id, e.user_id, e.event_name, e.occurred_at, e.day, e.quantity, e.properties, @received_at
            FROM unnest(@event_ids, @account_ids, @user_ids, @event_names, @occurred_ats, @days, @quantities, @properties)
                AS e(event_id, account_id, user_id, event_name, occurred_at, day, quantity, properties)
            ON CONFLICT (source, event_id) DO NOTHING
            RETURNING event_id
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("source", source);
        command.Parameters.AddWithValue("received_at", receivedAt);
        command.Parameters.AddWithValue("event_ids", events.Select(e => e.Event.EventId).ToArray());
        command.Parameters.AddWithValue("account_ids", events.Select(e => e.Event.AccountId).ToArray());
        command.Parameters.AddWithValue("user_ids", events.Select(e => e.Event.UserId).ToArray());
        command.Parameters.AddWithValue("event_names", events.Select(e => e.Event.EventName).ToArray());
        command.Parameters.AddWithValue("occurred_ats", events.Select(e => e.Event.OccurredAt!.Value).ToArray());
        command.Parameters.AddWithValue("days", events.Select(e => e.Event.Day).ToArray());
        command.Parameters.AddWithValue("quantities", events.Select(e => e.Event.Quantity).ToArray());
        command.Parameters.AddWithValue("properties", events.Select(e => e.PropertiesJson).ToArray());

        var positions = new Dictionary<string, int>(events.Count, StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++) positions[events[i].Event.EventId] = i;
        var inserted = new List<int>(events.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) inserted.Add(positions[reader.GetString(0)]);
        inserted.Sort();
        return inserted;
    }

    public override async Task<IReadOnlyList<(int EventsAfter, int ActiveEventsAfter)>> AddUserDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UserDayDelta> deltas, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO user_daily_activity (account_id, day, user_id, events, active_events)
            SELECT * FROM unnest(@account_ids, @days, @user_ids, @events, @active_events)
            ON CONFLICT (account_id, day, user_id) DO UPDATE SET
                events = user_daily_activity.events + excluded.events,
                active_events = user_daily_activity.active_events + excluded.active_events
            RETURNING account_id, day, user_id, events, active_events
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", deltas.Select(d => d.AccountId).ToArray());
        command.Parameters.AddWithValue("days", deltas.Select(d => d.Day).ToArray());
        command.Parameters.AddWithValue("user_ids", deltas.Select(d => d.UserId).ToArray());
        command.Parameters.AddWithValue("events", deltas.Select(d => d.Events).ToArray());
        command.Parameters.AddWithValue("active_events", deltas.Select(d => d.ActiveEvents).ToArray());

        var after = new Dictionary<(string, DateOnly, string), (int, int)>(deltas.Count);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                after[(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2))] = (reader.GetInt32(3), reader.GetInt32(4));
        }
        return deltas.Select(d => after[(d.AccountId, d.Day, d.UserId)]).ToArray();
    }

    public override async Task AddAccountDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AccountDayDelta> deltas, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO account_daily_usage (account_id, day, events, users, active_users)
            SELECT * FROM unnest(@account_ids, @days, @events, @users, @active_users)
            ON CONFLICT (account_id, day) DO UPDATE SET
                events = account_daily_usage.events + excluded.events,
                users = account_daily_usage.users + excluded.users,
                active_users = account_daily_usage.active_users + excluded.active_users
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", deltas.Select(d => d.AccountId).ToArray());
        command.Parameters.AddWithValue("days", deltas.Select(d => d.Day).ToArray());
        command.Parameters.AddWithValue("events", deltas.Select(d => d.Events).ToArray());
        command.Parameters.AddWithValue("users", deltas.Select(d => d.Users).ToArray());
        command.Parameters.AddWithValue("active_users", deltas.Select(d => d.ActiveUsers).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task AddFeatureDaysAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<FeatureDayDelta> deltas, CancellationToken ct)
    {
        if (deltas.Count == 0) return;
        const string sql = """
            INSERT INTO account_feature_daily_usage (account_id, day, feature, events)
            SELECT * FROM unnest(@account_ids, @days, @features, @events)
            ON CONFLICT (account_id, day, feature) DO UPDATE SET events = account_feature_daily_usage.events + excluded.events
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("account_ids", deltas.Select(d => d.AccountId).ToArray());
        command.Parameters.AddWithValue("days", deltas.Select(d => d.Day).ToArray());
        command.Parameters.AddWithValue("features", deltas.Select(d => d.Feature).ToArray());
        command.Parameters.AddWithValue("events", deltas.Select(d => (long)d.Events).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task QueueOnboardingEvaluationAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO onboarding_evaluation_queue (account_id, marked_at)
            SELECT DISTINCT m.account_id, @marked_at FROM onboarding_milestones m
            WHERE m.account_id = ANY(@account_ids) AND m.completed_at IS NULL AND m.rule_kind <> 1
            ON CONFLICT (account_id) DO UPDATE SET marked_at = excluded.marked_at
            """;
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("marked_at", now);
        command.Parameters.AddWithValue("account_ids", accountIds.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task MarkHealthDirtyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> accountIds, DateTime now, CancellationToken ct)
    {
        if (accountIds.Count == 0) return;
        const string sql = "INSERT INTO health_recompute_queue (account_id, due_at) SELECT a, @due_at FROM unnest(@account_ids) AS a";
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("due_at", now);
        command.Parameters.AddWithValue("account_ids", accountIds.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
