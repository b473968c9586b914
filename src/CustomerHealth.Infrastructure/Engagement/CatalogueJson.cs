using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>The stored JSON forms of the catalogue entries and of event properties.</summary>
internal static class CatalogueJson
{
    public static string Serialize(IEnumerable<CatalogueEntry> entries) =>
        JsonSerializer.Serialize(entries.Select(e => new StoredEntry(e.EventName, e.Active, e.KeyFeature, e.FirstValue, e.Description)).ToArray(), EngagementJsonContext.Default.StoredEntryArray);

    public static EventCatalogue Deserialize(string json, long version, DateTime? updatedAt, string? updatedBy)
    {
        var stored = JsonSerializer.Deserialize(json, EngagementJsonContext.Default.StoredEntryArray) ?? [];
        return new EventCatalogue(stored.Select(s => new CatalogueEntry(s.Name, s.Active, s.KeyFeature, s.FirstValue, s.Description)), version, updatedAt, updatedBy);
    }

    public static string? SerializeProperties(IReadOnlyDictionary<string, string> properties) =>
        properties.Count == 0 ? null : JsonSerializer.Serialize(properties as Dictionary<string, string> ?? new Dictionary<string, string>(properties), EngagementJsonContext.Default.DictionaryStringString);
}

internal sealed record StoredEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("key_feature")] bool KeyFeature,
    [property: JsonPropertyName("first_value")] bool FirstValue,
    [property: JsonPropertyName("description")] string? Description);

[JsonSerializable(typeof(StoredEntry[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EngagementJsonContext : JsonSerializerContext;
