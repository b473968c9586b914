using System.Text;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// The SQLite side of the hand-written reads: the same statements and columns, stepped through SQLite's own API (<see
/// cref="RawReads.ReadSqliteRowsAsync"/>). Days are parsed from the stored UTF-8 text without a string, a NULL day or
/// text read as no bytes (a stored day is never empty), and the few distinct segments, owners and currencies are made
/// into strings once per read.
/// </summary>
public sealed partial class PortfolioInputsReader
{
    private static async Task<List<AccountRow>> ReadTodayRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var rows = new List<AccountRow>();
        var names = new TextPool();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            var noScore = row.IsNull(4);
            rows.Add(new AccountRow(
                row.Text(0), (CsTier)row.Int32(1), names.OrNull(row, 2), names.OrNull(row, 3),
                noScore ? null : (HealthBand)row.Int32(4), noScore ? null : (LifecycleStage)row.Int32(5),
                noScore ? null : row.Int32(6) != 0, row.IsNull(7) ? null : row.Int32(7),
                Utf8Day(row.Utf8(8)), Utf8Day(row.Utf8(9))));
        }, ct);
        return rows;
    }

    private static async Task<List<ContractFacts>> ReadContractRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var contracts = new List<ContractFacts>();
        var currencies = new TextPool();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            var outcome = row.IsNull(6) ? RenewalOutcomeKind.Unspecified : (RenewalOutcomeKind)row.Int32(6);
            contracts.Add(new ContractFacts
            {
                ContractId = row.Text(0),
                AccountId = row.Text(1),
                Arr = new Money(row.Int64(2) / 1_000_000m, currencies.Of(row.Utf8(3))),
                Start = Utf8Day(row.Utf8(4))!.Value,
                End = Utf8Day(row.Utf8(5))!.Value,
                Outcome = outcome,
                NewArr = outcome == RenewalOutcomeKind.Renewed && !row.IsNull(7) ? row.Int64(7) / 1_000_000m : null,
                DecidedOn = Utf8Day(row.Utf8(8)),
            });
        }, ct);
        return contracts;
    }

    private static async Task<List<(string AccountId, DateOnly Due, DateOnly? DoneOn)>> ReadMilestoneRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var rows = new List<(string, DateOnly, DateOnly?)>();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            // An instant is stored as yyyy-MM-dd HH:mm:ss text in UTC: its first ten characters are its UTC day.
            var done = row.Utf8(2);
            rows.Add((row.Text(0), Utf8Day(row.Utf8(1))!.Value, Utf8Day(done.Length > 10 ? done[..10] : done)));
        }, ct);
        return rows;
    }

    /// <summary>A stored <c>yyyy-MM-dd</c> day from its UTF-8 bytes; null for none (no bytes).</summary>
    private static DateOnly? Utf8Day(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return null;
        return text.Length == 10 && text[4] == '-' && text[7] == '-'
            ? new DateOnly(Utf8Digits(text[..4]), Utf8Digits(text[5..7]), Utf8Digits(text[8..10]))
            : DateOnly.Parse(Encoding.UTF8.GetString(text), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Utf8Digits(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') throw new FormatException("Not a stored day.");
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /// <summary>
    /// One string per distinct short text of a read (segments, owners, currencies: a handful of values over 100,000
    /// rows), looked up by the text's characters so that a value seen before makes no new string.
    /// </summary>
    private sealed class TextPool
    {
        private const int MaxPooledLength = 128;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

        public string? OrNull(SqliteStatement row, int column) => row.IsNull(column) ? null : Of(row.Utf8(column));

        public string Of(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > MaxPooledLength) return Encoding.UTF8.GetString(utf8);
            Span<char> chars = stackalloc char[MaxPooledLength];
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var known)) return known;
            var made = text.ToString();
            _strings.Add(made, made);
            return made;
        }
    }
}
