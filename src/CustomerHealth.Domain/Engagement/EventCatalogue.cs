using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Engagement;

/// <summary>One catalogued event name and what it means.</summary>
public sealed record CatalogueEntry(string EventName, bool Active, bool KeyFeature, bool FirstValue, string? Description)
{
    public const int MaxDescriptionLength = 200;
}

/// <summary>
/// Which event names make a user active, which are key features and which mean first value: deployment configuration.
/// When no name is marked active, every event makes its user active (a product that sends only meaningful events needs no
/// catalogue to start with).
/// </summary>
public sealed class EventCatalogue
{
    public const int MaxEntries = 1000;

    private readonly HashSet<string> _active;
    private readonly HashSet<string> _keyFeatures;

    public EventCatalogue(IEnumerable<CatalogueEntry> entries, long version = 0, DateTime? updatedAt = null, string? updatedBy = null)
    {
        Entries = entries.OrderBy(e => e.EventName, StringComparer.Ordinal).ToArray();
        Version = version;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        _active = Entries.Where(e => e.Active).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        _keyFeatures = Entries.Where(e => e.KeyFeature).Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
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

    /// <summary>Checks a replacement catalogue: unique valid names, short descriptions, at most <see cref="MaxEntries"/>.</summary>
    public static void Validate(IReadOnlyList<CatalogueEntry> entries, string field = "catalogue.events")
    {
        var v = new Violations();
        if (entries.Count > MaxEntries) v.Add(field, $"may hold at most {MaxEntries} events (got {entries.Count})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count && i < MaxEntries; i++)
        {
            var e = entries[i];
            if (string.IsNullOrWhiteSpace(e.EventName)) v.Add($"{field}[{i}].event_name", "is required");
            else if (EventRules.ExplainEventName(e.EventName) is { } problem) v.Add($"{field}[{i}].event_name", problem);
            else if (!seen.Add(e.EventName)) v.Add($"{field}[{i}].event_name", $"'{e.EventName}' is listed twice");
            v.Text($"{field}[{i}].description", e.Description, CatalogueEntry.MaxDescriptionLength);
        }
        v.ThrowIfAny();
    }
}
