using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>The stored JSON forms of the catalogue entries and of event properties.</summary>
internal static class CatalogueJson
{
    public static string Serialize(IEnumerable<CatalogueEntry> entries) =>
        JsonSerializer.Serialize(
            entries.Select(e => new StoredEntry(
                e.EventName, e.Active, e.KeyFeature, e.FirstValue, e.Description, e.Metric,
                e.RatioTo is { Count: > 0 } r ? r.ToArray() : null)).ToArray(),
            EngagementJsonContext.Default.StoredEntryArray);

    public static EventCatalogue Deserialize(string json, long version, DateTime? updatedAt, string? updatedBy)
    {
        var stored = JsonSerializer.Deserialize(json, EngagementJsonContext.Default.StoredEntryArray) ?? [];
        return new EventCatalogue(
            stored.Select(s => new CatalogueEntry(
                s.Name, s.Active, s.KeyFeature, s.FirstValue, s.Description, s.Metric, s.RatioTo)),
            version, updatedAt, updatedBy);
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_propertiesBuffer;
    [ThreadStatic] private static Utf8JsonWriter? t_propertiesWriter;

    /// <summary>
    /// The properties as a JSON object (null when there are none), written straight from the caller's map: this runs
    /// once per ingested event, so it neither copies the map into a dictionary nor allocates a writer per call.
    /// </summary>
    public static string? SerializeProperties(IReadOnlyDictionary<string, string> properties)
    {
        if (properties.Count == 0) return null;
        var buffer = t_propertiesBuffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_propertiesWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        foreach (var (name, value) in properties) writer.WriteString(name, value);
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

internal sealed record StoredEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("key_feature")] bool KeyFeature,
    [property: JsonPropertyName("first_value")] bool FirstValue,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("metric"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    bool Metric = false,
    [property: JsonPropertyName("ratio_to"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string[]? RatioTo = null);

[JsonSerializable(typeof(StoredEntry[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EngagementJsonContext : JsonSerializerContext;
