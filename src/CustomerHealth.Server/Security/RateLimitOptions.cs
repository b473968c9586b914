using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Security;

/// <summary>
/// The <c>RateLimits</c> section: what one caller (one authenticated identity) may use of each scope's RPCs. Each scope
/// has its own budget, so a caller's reads never eat into its writes. The defaults are far above what the service's
/// own bulk clients need (a CRM nightly sync, the demo seeding, the synthetic generator, bulk ingestion), so that only
/// a runaway caller meets them (docs/adr/0044-rate-limits-per-caller-and-scope.md).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Limits are applied; off, every caller is served as fast as the service goes.</summary>
    public bool Enabled { get; set; } = true;

    public ScopeLimits Read { get; set; } =
        new() { RequestsPerSecond = 10_000, Burst = 20_000, ConcurrentStreams = 100 };

    public ScopeLimits CrmWrite { get; set; } =
        new() { RequestsPerSecond = 5_000, Burst = 10_000, ConcurrentStreams = 16 };

    public ScopeLimits EngagementWrite { get; set; } =
        new() { RequestsPerSecond = 5_000, Burst = 10_000, ConcurrentStreams = 64 };

    public ScopeLimits CsmWrite { get; set; } =
        new() { RequestsPerSecond = 1_000, Burst = 2_000, ConcurrentStreams = 16 };

    public ScopeLimits Admin { get; set; } =
        new() { RequestsPerSecond = 200, Burst = 400, ConcurrentStreams = 4 };

    /// <summary>The limits of <paramref name="scope"/> (one of <see cref="Scopes.All"/>).</summary>
    public ScopeLimits For(string scope) => scope switch
    {
        Scopes.Read => Read,
        Scopes.CrmWrite => CrmWrite,
        Scopes.EngagementWrite => EngagementWrite,
        Scopes.CsmWrite => CsmWrite,
        Scopes.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Not a scope of this service."),
    };

    /// <summary>Each scope's limits with its configuration key (<c>RateLimits:Read</c>, …).</summary>
    public IEnumerable<(string Key, ScopeLimits Limits)> All() =>
    [
        (nameof(Read), Read), (nameof(CrmWrite), CrmWrite), (nameof(EngagementWrite), EngagementWrite),
        (nameof(CsmWrite), CsmWrite), (nameof(Admin), Admin),
    ];
}

/// <summary>One caller's budget for the RPCs of one scope.</summary>
public sealed class ScopeLimits
{
    /// <summary>Calls per second, sustained (a token bucket refilled every second).</summary>
    public int RequestsPerSecond { get; set; }

    /// <summary>Calls that may come at once on top of an idle second (the bucket's size).</summary>
    public int Burst { get; set; }

    /// <summary>Streaming calls (event streams, change watches) open at the same time.</summary>
    public int ConcurrentStreams { get; set; }
}

/// <summary>Checks <c>RateLimits:*</c> at start-up; each failure names its key.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public const int MaxRequestsPerSecond = 1_000_000;
    public const int MaxConcurrentStreams = 100_000;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, limits) in options.All())
        {
            var prefix = $"{RateLimitOptions.Section}:{key}";
            if (limits.RequestsPerSecond is < 1 or > MaxRequestsPerSecond)
                failures.Add($"{prefix}:RequestsPerSecond must be from 1 to {MaxRequestsPerSecond:N0}.");
            if (limits.Burst < limits.RequestsPerSecond || limits.Burst > MaxRequestsPerSecond)
                failures.Add($"{prefix}:Burst must be from RequestsPerSecond to {MaxRequestsPerSecond:N0}.");
            if (limits.ConcurrentStreams is < 1 or > MaxConcurrentStreams)
                failures.Add($"{prefix}:ConcurrentStreams must be from 1 to {MaxConcurrentStreams:N0}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
