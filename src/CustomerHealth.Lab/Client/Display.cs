using System.Globalization;
using System.Text;

namespace CustomerHealth.Lab.Client;

/// <summary>How the client verbs print the contract's values for a person: words, days, rounded numbers.</summary>
public static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>CsTier.HighTouch</c> as "high touch"; the UNSPECIFIED value (0) as empty.</summary>
    public static string Words<T>(T value) where T : struct, Enum
    {
        if (Convert.ToInt32(value, Invariant) == 0) return "";
        var name = value.ToString();
        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) words.Append(' ');
            words.Append(char.ToLowerInvariant(name[i]));
        }
        return words.ToString();
    }

    public static string Score(double? score) => score is { } s ? s.ToString("0.0", Invariant) : "";

    /// <summary>A change with its sign (+1.5, -3.0).</summary>
    public static string Change(double? change) => change is { } c ? c.ToString("+0.0;-0.0;0.0", Invariant) : "";

    public static string Percent(double ratio) => ratio.ToString("0%", Invariant);

    public static string Date(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? "" : $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}";

    public static string Day(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time is null ? "" : time.ToDateTime().ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    /// <summary>Whole units with thousands separators and the currency: "120,000 USD".</summary>
    public static string Money(Google.Type.Money? money) =>
        money is null || string.IsNullOrEmpty(money.CurrencyCode) ? ""
            : $"{(money.Units + money.Nanos / 1e9).ToString("#,0", Invariant)} {money.CurrencyCode}";
}
