using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Onboarding;

namespace CustomerHealth.Infrastructure.Onboarding;

/// <summary>The stored JSON form of a template's milestones.</summary>
internal static class TemplateJson
{
    public static string Serialize(IEnumerable<MilestoneTemplate> milestones) =>
        JsonSerializer.Serialize(
            milestones.Select(
                m => new StoredMilestone(
                    m.Key, m.Title, m.DueDay, (int)m.Rule.Kind, m.Rule.EventName, m.Rule.Count, m.Rule.Share))
                    .ToArray(),
            OnboardingJsonContext.Default.StoredMilestoneArray);

    public static IReadOnlyList<MilestoneTemplate> Deserialize(string json) =>
        (JsonSerializer.Deserialize(json, OnboardingJsonContext.Default.StoredMilestoneArray) ?? [])
            .Select(
                m => new MilestoneTemplate(
                    m.Key, m.Title, m.DueDay,
                    new MilestoneRule((MilestoneRuleKind)m.RuleKind, m.EventName, m.Count, m.Share)))
            .ToArray();
}

internal sealed record StoredMilestone(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("due_day")] int DueDay,
    [property: JsonPropertyName("rule_kind")] int RuleKind,
    [property: JsonPropertyName("event_name")] string? EventName,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("share")] double Share);

[JsonSerializable(typeof(StoredMilestone[]))]
internal sealed partial class OnboardingJsonContext : JsonSerializerContext;
