using System.Buffers.Text;
using System.Text;
using Google.Protobuf.Reflection;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Scalar values for a field, chosen by its type and name: valid-looking ones (seeded ids for <c>*account_id</c>, ISO
/// currencies, small counts) that reach deep code, and boundary ones (empty, maximum+1 from <see cref="FieldLimits"/>,
/// huge strings, NaN and infinities, extremes of every integer type, unknown enum numbers, forged page tokens).
/// </summary>
public sealed class FuzzValues(Random random, FieldLimits limits, FuzzIds ids, DateTimeOffset now)
{
    /// <summary>The largest string the fuzzer builds: big, yet under the server's 4 MB message limit.</summary>
    public const int HugeLength = 1_000_000;

    private static readonly string[] Words =
        ["login", "report_exported", "Acme Corp", "SMB", "Enterprise", "jane", "fuzz"];
    private static readonly string[] Currencies = ["USD", "EUR", "GBP", "JPY"];
    private static readonly string[] EventTypes = ["health.band_changed", "play.opened"];

    public Random Random => random;

    public DateTimeOffset Now => now;

    public static Google.Type.Date ToDate(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public string ValidString(FieldDescriptor field)
    {
        var name = field.Name;
        if (name.EndsWith("account_id", StringComparison.Ordinal) || name == "account_ids")
            return ids.Account(random.Next());
        if (name.EndsWith("contract_id", StringComparison.Ordinal)) return ids.Contract(random.Next());
        if (name.EndsWith("user_id", StringComparison.Ordinal)) return ids.User(random.Next());
        if (name.EndsWith("_id", StringComparison.Ordinal)) return $"fuzz-{random.Next(1000)}";
        if (name.Contains("currency", StringComparison.Ordinal)) return Currencies[random.Next(Currencies.Length)];
        // Fields with a format of their own get one, so that UpsertContact and the webhook writes pass validation.
        if (name == "email") return $"{Words[random.Next(2, Words.Length)].Replace(' ', '.')}@example.com";
        if (name == "url") return $"https://hooks.fuzz.invalid/{random.Next(1000)}";
        if (name == "secret") return $"fuzz-secret-{random.Next():x8}-{random.Next():x8}";
        if (name == "event_types") return EventTypes[random.Next(EventTypes.Length)];
        if (name.Contains("page_token", StringComparison.Ordinal)) return "";
        return Words[random.Next(Words.Length)];
    }

    public string BoundaryString(FieldDescriptor field)
    {
        if (field.Name.Contains("page_token", StringComparison.Ordinal) && random.Next(3) > 0) return ForgedPageToken();
        var over = limits.LengthOver(field.Name);
        return random.Next(12) switch
        {
            0 => "",
            1 => "   ",
            2 => new string('x', over),
            3 => new string('é', over),
            4 => string.Concat(Enumerable.Repeat("\U0001F600", over / 2 + 1)),
            5 => random.Next(4) == 0 ? new string('a', HugeLength) : new string('a', 65_536),
            6 => "\u0000\u0001\n\r\t",
            7 => "'; DROP TABLE accounts; --",
            8 => "%_\\/..",
            9 => "\u202e\u200b\uFEFF\uFFFF",
            10 => "\uD800",
            _ => "USD " + new string('9', 40),
        };
    }

    /// <summary>Page tokens the service never issued: garbage, well-formed but foreign, or with extreme keys.</summary>
    public string ForgedPageToken()
    {
        string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        return random.Next(6) switch
        {
            0 => "!!not-base64!!",
            1 => Encode($"1\n{random.Next():x8}\n{ids.Account(0)}"),
            2 => Encode("1\n\n9999-12-31\n" + new string('z', 300)),
            3 => Encode(string.Join('\n', Enumerable.Repeat("1", 50))),
            4 => Encode("2\nfuture\nversion"),
            _ => Base64Url.EncodeToString(RandomBytes(random.Next(1, 200))),
        };
    }

    public long ValidInteger(FieldDescriptor field)
    {
        var name = field.Name;
        if (name == "page_size") return random.Next(0, 20);
        if (name.Contains("seats", StringComparison.Ordinal)) return random.Next(1, 500);
        if (name.Contains("days", StringComparison.Ordinal)) return random.Next(1, 120);
        if (name.Contains("version", StringComparison.Ordinal) || name.Contains("sequence", StringComparison.Ordinal))
            return random.Next(0, 5);
        if (name.Contains("score", StringComparison.Ordinal)) return random.Next(0, 11);
        return random.Next(0, 100);
    }

    public long BoundaryInteger(FieldDescriptor field, long min, long max)
    {
        long[] picks = [0, -1, min, max, 1_000_000, (long)(limits.For(field.Name) ?? 1_000) + 1];
        return Math.Clamp(picks[random.Next(picks.Length)], min, max);
    }

    public double ValidDouble(FieldDescriptor field)
    {
        var name = field.Name;
        var unit = name.Contains("share", StringComparison.Ordinal) || name.Contains("weight", StringComparison.Ordinal)
            || name.Contains("rate", StringComparison.Ordinal)
            || name.Contains("completeness", StringComparison.Ordinal);
        return unit ? Math.Round(random.NextDouble(), 3) : Math.Round(random.NextDouble() * 100, 2);
    }

    public double BoundaryDouble()
    {
        double[] picks =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.MaxValue, double.MinValue,
            double.Epsilon, -1, 1e308, 1e-308, 1e12 + 1,
        ];
        return picks[random.Next(picks.Length)];
    }

    public int EnumNumber(FieldDescriptor field, bool boundary)
    {
        var values = field.EnumType.Values;
        if (boundary)
        {
            int[] picks = [0, -1, 9_999, int.MaxValue, int.MinValue, values.Max(v => v.Number) + 1];
            return picks[random.Next(picks.Length)];
        }
        return values.Count > 1 ? values[random.Next(1, values.Count)].Number : 0;
    }

    /// <summary>One more than the field's limit (a list's count, a number's bound), or the fallback.</summary>
    public int LimitOver(string fieldName, int fallback) =>
        limits.For(fieldName) is { } max && max < 1_000_000 ? (int)max + 1 : fallback;

    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
