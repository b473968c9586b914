using System.Buffers.Text;
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
    private const string Version = "1";
    private const char Separator = '\n';

    /// <summary>Checks <c>page_size</c>: 0 means the default, 1 to <see cref="MaxPageSize"/> is taken as given.</summary>
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
    public static string[]? Decode(Violations violations, string? token, string filterFingerprint, int keyParts, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token)) return null;
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(Separator);
        }
        catch (FormatException)
        {
            violations.Add(field, "is not a token this service issued");
            return null;
        }
        if (parts.Length != keyParts + 2 || parts[0] != Version)
        {
            violations.Add(field, "is not a token this service issued");
            return null;
        }
        if (parts[1] != Fingerprint(filterFingerprint))
        {
            violations.Add(field, "was issued for a request with other filters; repeat the same filters or start without a token");
            return null;
        }
        return parts[2..];
    }

    private static string Fingerprint(string filters) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filters)), 0, 8);
}
