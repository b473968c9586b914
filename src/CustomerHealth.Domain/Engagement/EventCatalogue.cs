using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Engagement;

/// <summary>One catalogued event name and what it means.</summary>
/// <param name="Metric">
/// Its usage rates are metrics (<see cref="Health.UsageRates"/>) even when it is not a key feature; key features always
/// are.
/// </param>
/// <param name="RatioTo">
/// Other metric events this event's count is divided by, each pair making a ratio metric (<c>ratio:this/other</c>).
/// </param>
public sealed record CatalogueEntry(
    string EventName,
    bool Active,
    bool KeyFeature,
    bool FirstValue,
    string? Description,
    bool Metric = false,
    IReadOnlyList<string>? RatioTo = null)
{
    public const int MaxDescriptionLength = 200;

    /// <summary>Ratio partners per entry.</summary>
    public const int MaxRatios = 10;

    /// <summary>Counted per account and day in the feature rollups, so its rates can be read: a key feature or a
    /// metric.</summary>
    public bool Tracked => KeyFeature || Metric;
}

/// <summary>
/// Which event names make a user active, which are key features and which mean first value: deployment configuration.
/// When no name is marked active, every event makes its user active (a product that sends only meaningful events needs
/// no catalogue to start with).
/// </summary>
public sealed class EventCatalogue
{
    public const int MaxEntries = 1000;

    private readonly HashSet<string> _active;
    private readonly HashSet<string> _keyFeatures;
    private readonly HashSet<string> _tracked;

    public EventCatalogue(
        IEnumerable<CatalogueEntry> entries, long version = 0, DateTime? updatedAt = null, string? updatedBy = null)
    {
        Entries = entries.OrderBy(e => e.EventName, StringComparer.Ordinal).ToArray();
        Version = version;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        _active = Entries.Where(e => e.Active).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        _keyFeatures = Entries.Where(e => e.KeyFeature).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        _tracked = Entries.Where(e => e.Tracked).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        MetricEvents = Entries.Where(e => e.Tracked).Select(e => e.EventName).ToArray();
        Ratios = Entries.Where(e => e.Tracked)
            .SelectMany(e => (e.RatioTo ?? []).Where(_tracked.Contains)
                .Select(other => new MetricRatio(e.EventName, other)))
            .Distinct().ToArray();
        FirstValueEvents = Entries.Where(e => e.FirstValue).Select(e => e.EventName).ToArray();
    }

    public static EventCatalogue Empty { get; } = new([]);

    public IReadOnlyList<CatalogueEntry> Entries { get; }
    public long Version { get; }
    public DateTime? UpdatedAt { get; }
    public string? UpdatedBy { get; }

    /// <summary>True when no name is marked active, so every event counts as activity.</summary>
    public bool EveryEventIsActive => _active.Count == 0;

    public IReadOnlyCollection<string> ActiveEvents => _active;
    public IReadOnlyCollection<string> KeyFeatures => _keyFeatures;
    public IReadOnlyList<string> FirstValueEvents { get; }

    public bool IsActive(string eventName) => EveryEventIsActive || _active.Contains(eventName);

    public bool IsKeyFeature(string eventName) => _keyFeatures.Contains(eventName);

    /// <summary>The names whose use the feature rollups count per account and day: key features and metric
    /// events.</summary>
    public IReadOnlyCollection<string> TrackedEvents => _tracked;

    public bool IsTracked(string eventName) => _tracked.Contains(eventName);

    /// <summary>The names whose usage rates are metrics (the tracked ones), in name order.</summary>
    public IReadOnlyList<string> MetricEvents { get; }

    /// <summary>The configured ratio pairs between metric events, in name order of the numerator.</summary>
    public IReadOnlyList<MetricRatio> Ratios { get; }

    /// <summary>
    /// Checks a replacement catalogue: unique valid names, short descriptions, at most <see cref="MaxEntries"/>.
    /// </summary>
    public static void Validate(IReadOnlyList<CatalogueEntry> entries, string field = "catalogue.events")
    {
        var v = new Violations();
        if (entries.Count > MaxEntries) v.Add(field, $"may hold at most {MaxEntries} events (got {entries.Count})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count && i < MaxEntries; i++)
        {
            var e = entries[i];
            if (string.IsNullOrWhiteSpace(e.EventName)) v.Add($"{field}[{i}].event_name", "is required");
            else if (EventRules.ExplainEventName(e.EventName) is { } problem) v.Add(
                $"{field}[{i}].event_name", problem);
            else if (!seen.Add(e.EventName)) v.Add($"{field}[{i}].event_name", $"'{e.EventName}' is listed twice");
            v.Text($"{field}[{i}].description", e.Description, CatalogueEntry.MaxDescriptionLength);
        }
        CheckRatios(v, entries, field);
        v.ThrowIfAny();
    }

    private static void CheckRatios(Violations v, IReadOnlyList<CatalogueEntry> entries, string field)
    {
        var tracked = entries.Where(e => e.Tracked).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count && i < MaxEntries; i++)
        {
            var e = entries[i];
            if (e.RatioTo is not { Count: > 0 } others) continue;
            if (!e.Tracked) v.Add($"{field}[{i}].ratio_to", "needs the event to be a key feature or a metric");
            if (others.Count > CatalogueEntry.MaxRatios)
            {
                v.Add($"{field}[{i}].ratio_to",
                    $"may name at most {CatalogueEntry.MaxRatios} events (got {others.Count})");
                continue;
            }
            for (var j = 0; j < others.Count; j++)
            {
                var other = others[j];
                if (other == e.EventName) v.Add($"{field}[{i}].ratio_to[{j}]", "must name another event");
                else if (other.Contains('/', StringComparison.Ordinal)
                    || e.EventName.Contains('/', StringComparison.Ordinal))
                    v.Add($"{field}[{i}].ratio_to[{j}]", "ratio events must not contain '/' (ratio keys are a/b)");
                else if (!tracked.Contains(other))
                    v.Add($"{field}[{i}].ratio_to[{j}]", "must name a key feature or metric event of the catalogue");
            }
            if (others.Distinct(StringComparer.Ordinal).Count() != others.Count)
                v.Add($"{field}[{i}].ratio_to", "lists an event twice");
        }
    }
}

/// <summary>A configured ratio metric: events of <paramref name="Numerator"/> per event of <paramref
/// name="Denominator"/>.</summary>
public readonly record struct MetricRatio(string Numerator, string Denominator);
