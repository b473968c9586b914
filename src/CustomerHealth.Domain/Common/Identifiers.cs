namespace CustomerHealth.Domain.Common;

/// <summary>
/// Rules for ids chosen by callers (CRM account and contract ids): 1 to 128 characters from letters, digits and <c>. _
/// - : @ /</c>. Wide enough for Salesforce, HubSpot and UUID-style ids; narrow enough to sit in URLs, logs and page
/// tokens.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="value"/> is not a valid id, or null when it is.</summary>
    public static string? Explain(string value)
    {
        if (value.Length == 0) return "is required";
        if (value.Length > MaxLength) return $"must be at most {MaxLength} characters (got {value.Length})";
        foreach (var c in value)
        {
            if (!IsAllowed(c)) return $"may hold only letters, digits and . _ - : @ / (found '{Printable(c)}')";
        }
        return null;
    }

    public static bool IsValid(string? value) => value is not null && Explain(value) is null;

    /// <summary>
    /// Why <paramref name="value"/> is not a valid opaque token (event ids, user ids), or null: 1 to
    /// <paramref name="maxLength"/> characters without white space or control characters. Looser than CRM ids because
    /// product analytics ids are e-mails (with +), UUIDs, hashes and the like.
    /// </summary>
    public static string? ExplainToken(string value, int maxLength = MaxLength)
    {
        if (value.Length == 0) return "is required";
        if (value.Length > maxLength) return $"must be at most {maxLength} characters (got {value.Length})";
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return $"must not contain white space or control characters (found '{Printable(c)}')";
        }
        return null;
    }

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-' or ':' or '@' or '/';

    private static string Printable(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
}
