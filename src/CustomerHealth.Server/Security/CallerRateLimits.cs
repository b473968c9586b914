using System.Globalization;
using System.Threading.RateLimiting;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Hosting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Security;

/// <summary>
/// Per-caller fairness (<see cref="RateLimitOptions"/>): every authenticated identity gets, for each scope, a token
/// bucket of calls and a number of streams open at once. A refused call is answered RESOURCE_EXHAUSTED with a
/// <c>RetryInfo</c>, as a trailers-only gRPC response; never ASP.NET Core's HTTP 503, which gRPC clients read as
/// UNAVAILABLE and retry at once. Health probes, plain HTTP requests and unauthenticated calls (refused by
/// authorization before they get here) are not limited.
/// </summary>
public static class CallerRateLimits
{
    public const string ReasonRequestRate = "REQUEST_RATE_EXCEEDED";
    public const string ReasonConcurrentStreams = "CONCURRENT_STREAMS_EXCEEDED";

    /// <summary>The pause a refused caller is asked to make when the limiter names none (a stream limit).</summary>
    public static readonly TimeSpan StreamRetryDelay = TimeSpan.FromSeconds(1);

    public static WebApplicationBuilder AddCustomerHealthRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var options = limits.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Requests(context, options)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Streams(context, options)));
            limiter.OnRejected = (rejected, _) => new ValueTask(RefuseAsync(rejected.HttpContext, rejected.Lease));
        });
        return builder;
    }

    /// <summary>The limiter, after authentication and authorization (it partitions by the caller's identity).</summary>
    public static WebApplication UseCustomerHealthRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.Enabled) app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Requests(HttpContext context, RateLimitOptions options)
    {
        if (Partition(context) is not { } partition) return RateLimitPartition.GetNoLimiter("");
        var limits = options.For(partition.Scope);
        return RateLimitPartition.GetTokenBucketLimiter(partition.Key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        });
    }

    private static RateLimitPartition<string> Streams(HttpContext context, RateLimitOptions options)
    {
        if (!IsStreaming(context) || Partition(context) is not { } partition)
            return RateLimitPartition.GetNoLimiter("");
        var limits = options.For(partition.Scope);
        return RateLimitPartition.GetConcurrencyLimiter(partition.Key, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.ConcurrentStreams,
            QueueLimit = 0,
        });
    }

    /// <summary>
    /// The budget a call draws on: its RPC's declared scope and the caller's identity (the scheme, so that a token's
    /// subject and a certificate's never share one, and the token's <c>sub</c> or the certificate's subject). None for
    /// the public probes, for anything but a declared gRPC method, and for an unauthenticated request.
    /// </summary>
    private static (string Scope, string Key)? Partition(HttpContext context)
    {
        if (!RpcScopes.TryGet(context.Request.Path.Value ?? "", out var scope) || scope == RpcScopes.Public)
            return null;
        var identity = context.User.Identity;
        if (identity is not { IsAuthenticated: true, Name: { Length: > 0 } name }) return null;
        return (scope, $"{scope}\n{identity.AuthenticationType}\n{name}");
    }

    private static bool IsStreaming(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type is { } type
        && type != MethodType.Unary;

    private static Task RefuseAsync(HttpContext context, RateLimitLease lease)
    {
        var rate = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var delay = rate && retryAfter > TimeSpan.Zero ? retryAfter : StreamRetryDelay;
        var scope = RpcScopes.TryGet(context.Request.Path.Value ?? "", out var declared) ? declared : "";
        var info = new ErrorInfo
        {
            Reason = rate ? ReasonRequestRate : ReasonConcurrentStreams,
            Domain = ErrorMappingInterceptor.ErrorDomain,
        };
        info.Metadata["scope"] = scope;
        var message = rate
            ? $"Too many calls of scope '{scope}' from this caller; retry after {Seconds(delay)} s."
            : $"Too many streams of scope '{scope}' open for this caller; close one or retry later.";
        var status = new Google.Rpc.Status { Code = (int)Code.ResourceExhausted, Message = message };
        status.Details.Add(Any.Pack(info));
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        return TrailersOnlyResponse.WriteAsync(context, status);
    }

    private static string Seconds(TimeSpan delay) => delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
