using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>The product the synthetic customers use: its event names and how the catalogue classifies them.</summary>
public static class SyntheticCatalogue
{
    public const string Login = "login";

    /// <summary>
    /// Key features, in the order accounts tend to adopt them, with the latent health an account needs before it uses
    /// each (the threshold is jittered per account). The first is also the first-value event.
    /// </summary>
    internal static readonly (string Name, double Threshold, int EarliestDay)[] Features =
    [
        ("report_created", 0.15, 1),
        ("dashboard_shared", 0.35, 5),
        ("integration_synced", 0.45, 10),
        ("automation_created", 0.60, 20),
        ("export_scheduled", 0.75, 30),
    ];

    /// <summary>Not a key feature, but counts as activity.</summary>
    public const string CommentAdded = "comment_added";

    public static IReadOnlyList<CatalogueEvent> Entries { get; } =
    [
        new() { EventName = Login, Active = true, Description = "A user signed in" },
        new() { EventName = CommentAdded, Active = true, Description = "A user commented on a record" },
        new() { EventName = "report_created", Active = true, KeyFeature = true, FirstValue = true,
            Description = "A user built a report: the first one is the customer's first value" },
        new() { EventName = "dashboard_shared", Active = true, KeyFeature = true,
            Description = "A dashboard was shared with colleagues" },
        new() { EventName = "integration_synced", Active = true, KeyFeature = true,
            Description = "A data integration synced" },
        new() { EventName = "automation_created", Active = true, KeyFeature = true,
            Description = "A user set up an automation" },
        new() { EventName = "export_scheduled", Active = true, KeyFeature = true,
            Description = "A scheduled export ran" },
    ];

    /// <summary>
    /// The deployment's catalogue with the synthetic product's events added (entries already there are kept as they
    /// are), or null when nothing is missing.
    /// </summary>
    public static EventCatalogue? MergeInto(EventCatalogue current)
    {
        var known = current.Events.Select(e => e.EventName).ToHashSet(StringComparer.Ordinal);
        var missing = Entries.Where(e => !known.Contains(e.EventName)).ToArray();
        if (missing.Length == 0) return null;
        var merged = new EventCatalogue();
        merged.Events.AddRange(current.Events);
        merged.Events.AddRange(missing.Select(e => e.Clone()));
        return merged;
    }
}
