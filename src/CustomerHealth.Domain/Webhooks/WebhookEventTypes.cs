namespace CustomerHealth.Domain.Webhooks;

/// <summary>
/// The event types a webhook subscription can ask for (docs/webhooks.md#event-types). A type is a dotted name:
/// the resource, then what happened to it. New types are added here and in the docs; a stored subscription naming a
/// type that a later version dropped simply receives nothing of it.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>An account's health band changed (the change feed's <c>BAND_CHANGED</c> entries).</summary>
    public const string HealthBandChanged = "health.band_changed";

    /// <summary>A play was opened for an account's owner (a rule fired and no play of that rule was active).</summary>
    public const string PlayOpened = "play.opened";

    /// <summary>The longest event type name.</summary>
    public const int MaxLength = 100;

    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        HealthBandChanged,
        PlayOpened,
    };
}
