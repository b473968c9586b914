using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Health;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>The components of a score and what was missing: the JSON kept with each score and snapshot.</summary>
public sealed record HealthDetail(IReadOnlyList<ComponentScore> Components, IReadOnlyList<MissingComponent> Missing)
{
    public static HealthDetail Of(HealthScore score) => new(score.Components, score.Completeness.Missing);
}

/// <summary>JSON of score details and scorecards (enums by name, so the stored documents read on their own).</summary>
public static class HealthJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(HealthDetail detail) => JsonSerializer.Serialize(detail, Options);

    public static HealthDetail ReadDetail(string json) =>
        JsonSerializer.Deserialize<HealthDetail>(json, Options) ?? new HealthDetail([], []);

    public static string Serialize(Scorecard scorecard) => JsonSerializer.Serialize(scorecard, Options);

    /// <summary>An override as kept in the audit (null stays null).</summary>
    public static string? Serialize(HealthOverride? healthOverride) =>
        healthOverride is null ? null : JsonSerializer.Serialize(healthOverride, Options);

    public static Scorecard ReadScorecard(string json, int version) =>
        (JsonSerializer.Deserialize<Scorecard>(json, Options)
            ?? throw new InvalidOperationException("Empty scorecard document.")) with
        { Version = version };
}
