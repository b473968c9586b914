using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Plays;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>The stored and audited form of a rule set and of a play's drivers: JSON with enum names.</summary>
public static class PlayRulesJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private sealed record Document(
        IReadOnlyList<PlayRule> Rules, IReadOnlyList<TierCadence> Cadences, int CooldownDays);

    public static string Serialize(PlayRuleSet rules) =>
        JsonSerializer.Serialize(new Document(
            [.. rules.Rules.OrderBy(r => r.Kind)], [.. rules.Cadences.OrderBy(c => c.Tier)], rules.CooldownDays),
            Options);

    public static PlayRuleSet Deserialize(int version, string json)
    {
        var document = JsonSerializer.Deserialize<Document>(json, Options)
            ?? throw new InvalidDataException($"Play rule set {version} has no document.");
        return new PlayRuleSet(version, document.Rules, document.Cadences, document.CooldownDays);
    }

    public static string SerializeDrivers(IReadOnlyList<PlayDriver> drivers) =>
        JsonSerializer.Serialize(drivers, Options);

    public static IReadOnlyList<PlayDriver> DeserializeDrivers(string json) =>
        JsonSerializer.Deserialize<PlayDriver[]>(json, Options) ?? [];

}
