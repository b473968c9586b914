using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// One prepared SQLite statement driven through SQLite's own API: parameters bound by position, the statement stepped and
/// reset for each row. The ingestion path runs it once per event and per rollup row; through
/// <see cref="SqliteCommand"/> every execution also binds each parameter by name and creates a data reader, which cost
/// more than SQLite's own work on the row (see README, decision 8). Values are written in the forms Microsoft.Data.Sqlite
/// and EF Core write them (instants as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text, days as <c>yyyy-MM-dd</c>), so what EF
/// reads and compares is the same whichever path wrote it.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private const string InstantFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
    private const string DayFormat = @"yyyy\-MM\-dd";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>The position of a named parameter (for example <c>@account_id</c>), for the Bind methods.</summary>
    public int Parameter(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text16(_statement, index, value));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void BindNullable(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value));

    public void Bind(int index, DateTime value)
    {
        Span<char> text = stackalloc char[32];
        if (!value.TryFormat(text, out var length, InstantFormat, CultureInfo.InvariantCulture)) throw new FormatException("An instant did not fit its text form.");
        Check(raw.sqlite3_bind_text16(_statement, index, text[..length]));
    }

    public void Bind(int index, DateOnly value)
    {
        Span<char> text = stackalloc char[16];
        if (!value.TryFormat(text, out var length, DayFormat, CultureInfo.InvariantCulture)) throw new FormatException("A day did not fit its text form.");
        Check(raw.sqlite3_bind_text16(_statement, index, text[..length]));
    }

    /// <summary>Runs the statement with the values bound now and resets it; returns the number of rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            raw.sqlite3_reset(_statement);
            Check(rc);
        }
        var changed = raw.sqlite3_changes(_db);
        raw.sqlite3_reset(_statement);
        return changed;
    }

    /// <summary>
    /// Runs a statement that returns one row of two integers (an upsert with <c>RETURNING</c>) and resets it. SQLite makes
    /// all of a statement's changes in its first step, so resetting after the first row loses nothing.
    /// </summary>
    public (long First, long Second) ExecuteReturningPair()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc != raw.SQLITE_ROW)
        {
            raw.sqlite3_reset(_statement);
            Check(rc == raw.SQLITE_DONE ? raw.SQLITE_MISUSE : rc);
        }
        var pair = (raw.sqlite3_column_int64(_statement, 0), raw.sqlite3_column_int64(_statement, 1));
        raw.sqlite3_reset(_statement);
        return pair;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
