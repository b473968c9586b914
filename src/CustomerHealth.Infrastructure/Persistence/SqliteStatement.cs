using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// One prepared SQLite statement driven through SQLite's own API: parameters bound by position, the statement stepped
/// and reset for each row. The ingestion path runs it once per event and per rollup row; through <see
/// cref="SqliteCommand"/> every execution also binds each parameter by name and creates a data reader, which cost more
/// than SQLite's own work on the row (see docs/adr/0008-group-commit-across-callers.md). Values are written in the
/// forms Microsoft.Data.Sqlite and EF Core write them (instants as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text, days as
/// <c>yyyy-MM-dd</c>), so what EF reads and compares is the same whichever path wrote it.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    internal const string InstantFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
    internal const string DayFormat = @"yyyy\-MM\-dd";

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
        Check(
            value is { } v ? raw.sqlite3_bind_double(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void BindNullable(int index, string? value) =>
        Check(
            value is null ? raw.sqlite3_bind_null(_statement, index)
            : raw.sqlite3_bind_text16(_statement, index, value));

    public void Bind(int index, DateTime value)
    {
        Span<char> text = stackalloc char[27];
        Check(raw.sqlite3_bind_text16(_statement, index, text[..FormatInstant(value, text)]));
    }

    public void BindNullable(int index, DateTime? value)
    {
        if (value is { } instant) Bind(index, instant);
        else Check(raw.sqlite3_bind_null(_statement, index));
    }

    public void Bind(int index, DateOnly value)
    {
        Span<char> text = stackalloc char[10];
        Check(raw.sqlite3_bind_text16(_statement, index, text[..FormatDay(value.Year, value.Month, value.Day, text)]));
    }

    /// <summary>
    /// <paramref name="value"/> as <see cref="InstantFormat"/> writes it (the fraction's trailing zeros dropped, and
    /// the point with them when there is none), digit by digit: ingestion binds two instants per event, and the general
    /// formatter parsing its pattern each time was a measurable share of the writer's time. Tests compare the two.
    /// </summary>
    internal static int FormatInstant(DateTime value, Span<char> text)
    {
        FormatDay(value.Year, value.Month, value.Day, text);
        text[10] = ' ';
        Digits(text.Slice(11, 2), value.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), value.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), value.Second);
        var fraction = (int)(value.Ticks % TimeSpan.TicksPerSecond);
        if (fraction == 0) return 19;
        text[19] = '.';
        Digits(text.Slice(20, 7), fraction);
        var length = 27;
        while (text[length - 1] == '0') length--;
        return length;
    }

    /// <summary>A day as <see cref="DayFormat"/> writes it.</summary>
    internal static int FormatDay(int year, int month, int day, Span<char> text)
    {
        Digits(text[..4], year);
        text[4] = '-';
        Digits(text.Slice(5, 2), month);
        text[7] = '-';
        Digits(text.Slice(8, 2), day);
        return 10;
    }

    private static void Digits(Span<char> text, int value)
    {
        for (var i = text.Length - 1; i >= 0; i--, value /= 10) text[i] = (char)('0' + value % 10);
    }

    /// <summary>
    /// Runs the statement with the values bound now and resets it; returns the number of rows it changed.
    /// </summary>
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

    /// <summary>Runs a query and resets it; true when it returned a row.</summary>
    public bool ExecuteHasRow()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW)) Check(rc);
        return rc == raw.SQLITE_ROW;
    }

    /// <summary>
    /// Runs a statement that returns one row of two integers (an upsert with <c>RETURNING</c>) and resets it. SQLite
    /// makes all of a statement's changes in its first step, so resetting after the first row loses nothing.
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

    /// <summary>Binds a value a hand-written read passes as an object: text, or a whole number.</summary>
    public void BindValue(int index, object value)
    {
        switch (value)
        {
            case string text: Bind(index, text); break;
            case int number: Bind(index, number); break;
            case long number: Bind(index, number); break;
            default: throw new ArgumentException($"Cannot bind a {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary>Steps a query to its next row: true on a row, false once there is none.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc != raw.SQLITE_DONE) Check(rc);
        return false;
    }

    /// <summary>The current row's column is NULL.</summary>
    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public int Int32(int column) => raw.sqlite3_column_int(_statement, column);

    /// <summary>
    /// The current row's text column as its UTF-8 bytes, valid until the next step (empty for NULL); no string is made.
    /// </summary>
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>The current row's text column as a string.</summary>
    public string Text(int column) => System.Text.Encoding.UTF8.GetString(Utf8(column));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _statement.Dispose();
}
