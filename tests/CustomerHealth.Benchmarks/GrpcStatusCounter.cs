using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// Counts the <c>grpc-status</c> of every call a server answers (h2load sees only HTTP statuses, and a failed gRPC call
/// is HTTP 200): middleware that looks at the trailers after the call, or at the headers for a trailers-only answer.
/// </summary>
internal sealed class GrpcStatusCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void AttachTo(WebApplication app) => app.Use(async (context, next) =>
    {
        await next(context);
        var status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString();
        if (string.IsNullOrEmpty(status)) status = context.Response.Headers["grpc-status"].ToString();
        _counts.AddOrUpdate(string.IsNullOrEmpty(status) ? "none" : status, 1, (_, n) => n + 1);
    });

    public void Reset() => _counts.Clear();

    public long Ok => _counts.GetValueOrDefault("0");

    public long Failed => _counts.Where(c => c.Key != "0").Sum(c => c.Value);

    public string Describe() =>
        _counts.IsEmpty ? "no calls"
            : string.Join(
                ", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"grpc-status {c.Key}: {c.Value:N0}"));
}
