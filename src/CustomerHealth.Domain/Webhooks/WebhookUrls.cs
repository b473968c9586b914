namespace CustomerHealth.Domain.Webhooks;

/// <summary>
/// Which URLs a webhook may be sent to: absolute <c>http</c> or <c>https</c> URLs with a host, without user name or
/// password (they would be echoed back by every read of the subscription) and without fragment. Where the host
/// resolves to is not checked here: operators restrict the service's egress (docs/webhooks.md#network-egress).
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    /// <summary>Why <paramref name="url"/> is refused, or null when it is fine.</summary>
    public static string? Explain(string url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "is required";
        if (url.Length > MaxLength) return $"must be at most {MaxLength} characters (got {url.Length})";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "must be an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return "must be an http or https URL";
        if (string.IsNullOrEmpty(uri.Host)) return "must name a host";
        if (uri.UserInfo.Length > 0) return "must not carry a user name or password";
        if (uri.Fragment.Length > 0 || url.Contains('#', StringComparison.Ordinal)) return "must not have a fragment";
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return "must not contain spaces or control characters";
        return null;
    }
}
