using System.Globalization;
using System.Text;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Values of SQLite rows read as UTF-8 bytes (<see cref="SqliteStatement.Utf8"/>) without making a string for each:
/// stored days, and texts from a small known set.
/// </summary>
internal static class StoredUtf8
{
    /// <summary>A stored <c>yyyy-MM-dd</c> day from its UTF-8 bytes; null for none (no bytes).</summary>
    public static DateOnly? Day(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return null;
        return text.Length == 10 && text[4] == '-' && text[7] == '-'
            ? new DateOnly(Digits(text[..4]), Digits(text[5..7]), Digits(text[8..10]))
            : DateOnly.Parse(Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture);
    }

    private static int Digits(ReadOnlySpan<byte> text)
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
    /// One string per distinct short text of a read, looked up by the text's characters so that a value seen before
    /// (or given to start with) makes no new string.
    /// </summary>
    public sealed class Pool(IEnumerable<string>? known = null)
    {
        private const int MaxPooledLength = 128;
        private readonly Dictionary<string, string> _strings =
            (known ?? []).Distinct(StringComparer.Ordinal).ToDictionary(s => s, StringComparer.Ordinal);

        public string? OrNull(SqliteStatement row, int column) => row.IsNull(column) ? null : Of(row.Utf8(column));

        public string Of(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length > MaxPooledLength) return Encoding.UTF8.GetString(utf8);
            Span<char> chars = stackalloc char[MaxPooledLength];
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var seen)) return seen;
            var made = text.ToString();
            _strings.Add(made, made);
            return made;
        }
    }
}
