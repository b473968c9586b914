using System.Net;

namespace CustomerHealth.Server.Security;

/// <summary>
/// The addresses the server is configured to listen on (<c>Kestrel:Endpoints:*:Url</c>, else <c>urls</c>,
/// <c>http_ports</c> / <c>https_ports</c>), read before it binds, so a server that may not serve there never does.
/// </summary>
public static class ListenAddresses
{
    public static IReadOnlyList<string> From(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0) return endpoints;
        if (configuration["urls"] is { Length: > 0 } urls) return urls.Split(
            ';', StringSplitOptions.RemoveEmptyEntries);
        var ports = $"{configuration["http_ports"]};{configuration["https_ports"]}".Split(
            ';', StringSplitOptions.RemoveEmptyEntries);
        return ports.Length > 0 ? [.. ports.Select(p => $"http://*:{p}")] : ["http://localhost:5000"];
    }

    /// <summary>Those of <paramref name="addresses"/> that other machines could reach.</summary>
    public static IReadOnlyList<string> NonLoopback(IEnumerable<string> addresses) =>
        [.. addresses.Where(a => !IsLoopback(a))];

    private static bool IsLoopback(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']') + 1 : rest.IndexOfAny([':', '/']);
        var host = (hostEnd <= 0 ? rest : rest[..hostEnd]).Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
