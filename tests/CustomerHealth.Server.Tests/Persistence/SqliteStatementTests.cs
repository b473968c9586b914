using CustomerHealth.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace CustomerHealth.Server.Tests.Persistence;

/// <summary>
/// The SQLite ingestion path binds values through SQLite's own API; EF Core and Microsoft.Data.Sqlite read and compare
/// them as text, so both paths must store exactly the same bytes.
/// </summary>
public sealed class SqliteStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteStatementTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (path TEXT NOT NULL, instant TEXT, day TEXT, amount REAL, note TEXT, " +
            "count INTEGER)";
        create.ExecuteNonQuery();
    }

    public static TheoryData<DateTime, DateOnly, double?, string?, long> Values => new()
    {
        { new DateTime(2026, 3, 15, 10, 30, 0, DateTimeKind.Utc), new DateOnly(2026, 3, 15), null, null, 0 },
        { new DateTime(2026, 3, 15, 10, 30, 0, DateTimeKind.Utc).AddTicks(1_234_567), new DateOnly(1, 1, 1), 2.5,
            "ünïcødé ✓", long.MaxValue },
        { new DateTime(2026, 12, 31, 23, 59, 59, 990, DateTimeKind.Utc), new DateOnly(9999, 12, 31), -0.1, "", -7 },
        { DateTime.UnixEpoch, new DateOnly(2024, 2, 29), 1e300, "{\"plan\":\"pro\"}", 42 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void NativeBindingStoresWhatMicrosoftDataSqliteStores(
        DateTime instant, DateOnly day, double? amount, string? note, long count)
    {
        InsertThroughMicrosoftDataSqlite(instant, day, amount, note, count);
        using (var statement = new SqliteStatement(
            _connection, "INSERT INTO t VALUES ('native', @instant, @day, @amount, @note, @count)"))
        {
            statement.Bind(statement.Parameter("@instant"), instant);
            statement.Bind(statement.Parameter("@day"), day);
            statement.Bind(statement.Parameter("@amount"), amount);
            statement.BindNullable(statement.Parameter("@note"), note);
            statement.Bind(statement.Parameter("@count"), count);
            Assert.Equal(1, statement.Execute());
        }

        using var compare = _connection.CreateCommand();
        compare.CommandText = """
            SELECT quote(instant), quote(day), quote(amount), quote(note), quote(count), typeof(instant), typeof(day), typeof(amount), typeof(note), typeof(count)
            FROM t ORDER BY path
            """;
        using var reader = compare.ExecuteReader();
        Assert.True(reader.Read());
        var ado = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
        Assert.True(reader.Read());
        var native = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
        Assert.Equal(ado, native);
    }

    [Fact]
    public void InstantsAndDaysAreWrittenAsTheGeneralFormatterWritesThem()
    {
        var random = new Random(11);
        var instants = new List<DateTime> { DateTime.MinValue, DateTime.MaxValue, DateTime.UnixEpoch,
            new(2026, 3, 15, 10, 30, 0, 100, DateTimeKind.Utc) };
        for (var i = 0; i < 20_000; i++) instants.Add(
            new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), DateTimeKind.Utc));
        for (var i = 0; i < 2_000; i++) instants.Add(
            new DateTime(
                random.NextInt64(DateTime.MaxValue.Ticks) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond
                + random.Next(10) * 1_000_000L, DateTimeKind.Utc));
        Span<char> text = stackalloc char[27];
        foreach (var instant in instants)
        {
            Assert.Equal(
                instant.ToString(SqliteStatement.InstantFormat, System.Globalization.CultureInfo.InvariantCulture),
                new string(text[..SqliteStatement.FormatInstant(instant, text)]));
            var day = DateOnly.FromDateTime(instant);
            Assert.Equal(
                day.ToString(SqliteStatement.DayFormat, System.Globalization.CultureInfo.InvariantCulture),
                new string(text[..SqliteStatement.FormatDay(day.Year, day.Month, day.Day, text)]));
        }
    }

    [Fact]
    public void AFailedStepThrowsSqliteExceptionAndLeavesTheStatementReusable()
    {
        using (var index = _connection.CreateCommand())
        {
            index.CommandText = "CREATE UNIQUE INDEX ux ON t (path)";
            index.ExecuteNonQuery();
        }
        using var statement = new SqliteStatement(_connection, "INSERT INTO t (path) VALUES (@path)");
        var path = statement.Parameter("@path");
        statement.Bind(path, "a");
        statement.Execute();

        var error = Assert.Throws<SqliteException>(() => statement.Execute());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT

        statement.Bind(path, "b");
        Assert.Equal(1, statement.Execute());
        Assert.Throws<ArgumentException>(() => statement.Parameter("@missing"));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void NativeReadingReadsWhatMicrosoftDataSqliteReads(
        DateTime instant, DateOnly day, double? amount, string? note, long count)
    {
        InsertThroughMicrosoftDataSqlite(instant, day, amount, note, count);
        using var statement = new SqliteStatement(
            _connection, "SELECT path, day, note, count, amount FROM t WHERE path = @path AND count = @count");
        statement.BindValue(statement.Parameter("@path"), "ado");
        statement.BindValue(statement.Parameter("@count"), count);

        Assert.True(statement.Step());
        Assert.Equal("ado", statement.Text(0));
        Assert.Equal(day.ToString(SqliteStatement.DayFormat, System.Globalization.CultureInfo.InvariantCulture),
            System.Text.Encoding.UTF8.GetString(statement.Utf8(1)));
        Assert.Equal(note is null, statement.IsNull(2));
        Assert.Equal(note ?? "", statement.Text(2));
        Assert.Equal(count, statement.Int64(3));
        Assert.Equal(amount is null, statement.IsNull(4));
        Assert.False(statement.Step());
        Assert.Throws<ArgumentException>(() => statement.BindValue(1, 2.5));
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>The row <c>ado</c>, stored by Microsoft.Data.Sqlite's own binding: what the native path is held
    /// to.</summary>
    private void InsertThroughMicrosoftDataSqlite(
        DateTime instant, DateOnly day, double? amount, string? note, long count)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "INSERT INTO t VALUES ('ado', @instant, @day, @amount, @note, @count)";
        command.Parameters.AddWithValue("@instant", instant);
        command.Parameters.AddWithValue("@day", day);
        command.Parameters.AddWithValue("@amount", (object?)amount ?? DBNull.Value);
        command.Parameters.AddWithValue("@note", (object?)note ?? DBNull.Value);
        command.Parameters.AddWithValue("@count", count);
        command.ExecuteNonQuery();
    }
}
