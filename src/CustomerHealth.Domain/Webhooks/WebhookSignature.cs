using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CustomerHealth.Domain.Webhooks;

/// <summary>
/// The signature every webhook delivery carries (docs/webhooks.md#signatures): the header
/// <c>CustomerHealth-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where the hex is the lower-case HMAC-SHA256,
/// keyed with the subscription's secret (its UTF-8 bytes), of the timestamp, a full stop and the raw body bytes. The
/// timestamp is signed with the body so that a captured request cannot be replayed outside the receiver's window.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "CustomerHealth-Signature";

    /// <summary>The scheme's version tag in the header; a later scheme would add <c>v2=</c> beside it.</summary>
    public const string Scheme = "v1";

    /// <summary>The replay window a receiver should allow around its own clock (documented; receivers
    /// choose).</summary>
    public static readonly TimeSpan RecommendedTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="at"/>.</summary>
    public static string Header(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},{Scheme}={Compute(secret, timestamp, body)}";
    }

    /// <summary>The lower-case hex HMAC-SHA256 of <c>timestamp + "." + body</c> keyed with
    /// <paramref name="secret"/>.</summary>
    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// What a receiver does: true when <paramref name="header"/> holds a timestamp within <paramref name="tolerance"/>
    /// of <paramref name="now"/> and a <c>v1</c> signature equal (compared in constant time) to the one computed here.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now,
        TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header)) return false;
        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Trim().Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t") timestamp = pair[1];
            else if (pair[0] == Scheme) signatures.Add(pair[1]);
        }
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - t) > tolerance.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }
}
