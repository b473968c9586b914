using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Opaque page tokens for keyset paging: the last row's key, bound to the request's filters so that a token cannot be
/// replayed with other filters. Clients must treat them as opaque strings.
/// </summary>
public static class PageToken
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>The longest token read: far more than any token this service issues (three ids and a
    /// fingerprint).</summary>
    public const int MaxTokenLength = 1024;

    /// <summary>How a day is written inside a token's key.</summary>
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>The answer to a token that cannot be read.</summary>
    public const string NotIssuedHere = "is not a token this service issued";
    private const string Version = "1";
    private const char Separator = '\n';

    /// <summary>
    /// Checks <c>page_size</c>: 0 means the default, 1 to <see cref="MaxPageSize"/> is taken as given.
    /// </summary>
    public static int ReadPageSize(Violations violations, int pageSize, string field = "page_size")
    {
        if (pageSize is >= 0 and <= MaxPageSize) return pageSize == 0 ? DefaultPageSize : pageSize;
        violations.Add(field, $"must be between 0 and {MaxPageSize} (0 means {DefaultPageSize})");
        return DefaultPageSize;
    }

    /// <summary>Encodes the last key of a page; the key parts must not contain line breaks.</summary>
    public static string Encode(string filterFingerprint, params string[] key)
    {
        var text = string.Join(Separator, [Version, Fingerprint(filterFingerprint), .. key]);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Decodes a token into its key parts; an empty token is the first page (null).</summary>
    public static string[]? Decode(
        Violations violations, string? token, string filterFingerprint, int keyParts, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token)) return null;
        if (token.Length > MaxTokenLength)
        {
            violations.Add(field, NotIssuedHere);
            return null;
        }
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(Separator);
        }
        catch (FormatException)
        {
            violations.Add(field, NotIssuedHere);
            return null;
        }
        if (parts.Length != keyParts + 2 || parts[0] != Version)
        {
            violations.Add(field, NotIssuedHere);
            return null;
        }
        if (parts[1] != Fingerprint(filterFingerprint))
        {
            violations.Add(
                field, "was issued for a request with other filters; repeat the same filters or start without a token");
            return null;
        }
        return parts[2..];
    }

    /// <summary>A day as a key part of a token.</summary>
    public static string FormatDay(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads a day written by <see cref="FormatDay"/>.</summary>
    public static bool TryReadDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static string Fingerprint(string filters) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filters)), 0, 8);
}
