using CustomerHealth.Infrastructure.Coordination;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Webhooks;

/// <summary>
/// The <c>Webhooks</c> configuration section (docs/webhooks.md#configuration), checked at start-up by
/// <see cref="WebhookOptionsValidator"/>. Subscriptions themselves are data, managed through the WebhookService RPCs.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether this replica runs the dispatcher at all (one replica holding the lease sends).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the dispatcher looks for new events and due retries.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many deliveries are attempted per pass.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>At most this many requests are in flight at once.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How long one POST may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts before a delivery becomes a dead letter.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The pause after the first failed attempt; it doubles with each further one (with jitter).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long delivered deliveries and their events are kept.</summary>
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long dead letters are kept after their last attempt (to be read and re-delivered).</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the dispatch lease lasts unrenewed: five ticks, and at least the longest pass (every request of a
    /// batch timing out, <see cref="MaxConcurrency"/> at a time) plus 15 s, so another replica never takes over a
    /// pass still sending.
    /// </summary>
    public TimeSpan LeaseLength => ReplicaLeases.LengthFor(DispatchInterval,
        RequestTimeout * Math.Ceiling(BatchSize / (double)Math.Max(1, MaxConcurrency)) + TimeSpan.FromSeconds(15));
}

/// <summary>The rules of <see cref="WebhookOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) result.AddError($"{WebhookOptions.Section}:{key} {rule}");
        }
        Check(options.DispatchInterval >= WorkerIntervals.Minimum, nameof(options.DispatchInterval),
            "must be at least 10 ms");
        Check(options.BatchSize is >= 1 and <= 1000, nameof(options.BatchSize), "must be between 1 and 1000");
        Check(options.MaxConcurrency is >= 1 and <= 64, nameof(options.MaxConcurrency), "must be between 1 and 64");
        var timeout = options.RequestTimeout;
        Check(timeout >= TimeSpan.FromMilliseconds(100) && timeout <= TimeSpan.FromMinutes(2),
            nameof(options.RequestTimeout), "must be between 100 ms and 2 minutes");
        Check(options.MaxAttempts is >= 1 and <= 50, nameof(options.MaxAttempts), "must be between 1 and 50");
        Check(options.FirstRetryDelay > TimeSpan.Zero, nameof(options.FirstRetryDelay), "must be positive");
        Check(options.MaxRetryDelay >= options.FirstRetryDelay, nameof(options.MaxRetryDelay),
            "must be at least FirstRetryDelay");
        Check(options.DeliveredRetention >= TimeSpan.FromHours(1), nameof(options.DeliveredRetention),
            "must be at least 1 hour");
        Check(options.DeadLetterRetention >= TimeSpan.FromHours(1), nameof(options.DeadLetterRetention),
            "must be at least 1 hour");
        return result.Build();
    }
}
