using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerHealth.Infrastructure.Telemetry;

/// <summary>
/// A client span per SQLite command that EF Core runs (Microsoft.Data.Sqlite traces nothing itself; Npgsql and
/// SqlClient trace their own commands). The statement text is parameterised, so it carries no values.
/// </summary>
public sealed class SqliteCommandTracing : DbCommandInterceptor
{
    private readonly ConditionalWeakTable<DbCommand, Activity> _running = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Start(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Start(command, result));

    public override InterceptionResult<int> NonQueryExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result) => Start(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Start(command, result));

    public override InterceptionResult<object> ScalarExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result) => Start(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Start(command, result));

    public override DbDataReader ReaderExecuted(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result) => Stop(command, result);

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Stop(command, result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) =>
        Stop(command, result);

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Stop(command, result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) =>
        Stop(command, result);

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Stop(command, result));

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Fail(command, eventData);

    public override Task CommandFailedAsync(
        DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Fail(command, eventData);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(command, 0);

    public override Task CommandCanceledAsync(
        DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command, 0);
        return Task.CompletedTask;
    }

    private T Start<T>(DbCommand command, T result)
    {
        var activity = ServiceActivities.Source.StartActivity("sqlite", ActivityKind.Client);
        if (activity is null) return result;
        activity.SetTag("db.system.name", "sqlite");
        activity.SetTag("db.namespace", command.Connection?.DataSource);
        if (activity.IsAllDataRequested) activity.SetTag("db.query.text", command.CommandText);
        _running.AddOrUpdate(command, activity);
        return result;
    }

    private T Stop<T>(DbCommand command, T result)
    {
        if (_running.TryGetValue(command, out var activity))
        {
            _running.Remove(command);
            activity.Stop();
        }
        return result;
    }

    private void Fail(DbCommand command, CommandErrorEventData eventData)
    {
        if (!_running.TryGetValue(command, out var activity)) return;
        _running.Remove(command);
        activity.Fail(eventData.Exception);
        activity.Stop();
    }
}
