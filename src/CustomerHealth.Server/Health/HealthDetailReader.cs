using System.Buffers;
using System.Text;
using System.Text.Json;
using CustomerHealth.Domain.Health;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Health;

/// <summary>
/// Reads a stored score's components JSON (as <see cref="Infrastructure.Health.HealthJson"/> writes it) straight into
/// the v1 messages, one pass of a <see cref="Utf8JsonReader"/>, without the serializer's records in between: the
/// mapping was as large as the hot read itself (docs/benchmarks/health-reads.md). Only the shape the service writes is
/// read here — the property names as written, enums by their exact names, numbers as numbers, every required property
/// present; anything else (an older or hand-edited document) returns false and the caller takes the serializer's path,
/// so the answer is the same either way.
/// </summary>
internal static class HealthDetailReader
{
    private static readonly Dictionary<string, HealthComponentKind> Kinds =
        Enum.GetValues<HealthComponentKind>().ToDictionary(k => k.ToString(), StringComparer.Ordinal);

    /// <summary>The components and missing components of <paramref name="json"/>, or false when it is not in the
    /// shape the service writes; <paramref name="missing"/> is not read when null.</summary>
    public static bool TryRead(
        string json, List<V1.HealthComponent> components, List<V1.MissingComponent>? missing)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, Encoding.UTF8.GetBytes(json, buffer)));
            return TryReadDocument(ref reader, components, missing);
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryReadDocument(
        ref Utf8JsonReader reader, List<V1.HealthComponent> components, List<V1.MissingComponent>? missing)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        bool seenComponents = false, seenMissing = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("components"u8) && !seenComponents)
            {
                seenComponents = true;
                if (!TryReadArray(ref reader, components, TryReadComponent)) return false;
            }
            else if (reader.ValueTextEquals("missing"u8) && !seenMissing)
            {
                seenMissing = true;
                if (missing is null) reader.Skip();
                else if (!TryReadArray(ref reader, missing, TryReadMissing)) return false;
            }
            else return false;
        }
        return reader.TokenType == JsonTokenType.EndObject && seenComponents && seenMissing && !reader.Read();
    }

    private delegate bool ItemReader<T>(ref Utf8JsonReader reader, out T item);

    private static bool TryReadArray<T>(ref Utf8JsonReader reader, List<T> items, ItemReader<T> read)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (!read(ref reader, out var item)) return false;
            items.Add(item);
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool TryReadComponent(ref Utf8JsonReader reader, out V1.HealthComponent component)
    {
        component = new V1.HealthComponent();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader;
            if (!reader.Read()) return false;
            if (name.ValueTextEquals("kind"u8) && TryKind(ref reader, out var kind)) component.Kind = kind;
            else if (name.ValueTextEquals("score"u8) && TryNumber(ref reader, out var score)) component.Score = score;
            else if (name.ValueTextEquals("weight"u8) && TryNumber(ref reader, out var weight))
                component.Weight = weight;
            else if (name.ValueTextEquals("explanation"u8) && reader.TokenType == JsonTokenType.String)
                component.Explanation = reader.GetString()!;
            else if (name.ValueTextEquals("metric"u8) && TryOptionalString(ref reader, out var metric))
                component.Metric = metric ?? "";
            else if (name.ValueTextEquals("metricValue"u8) && reader.TokenType == JsonTokenType.Null)
                component.ClearMetricValue();
            else if (name.ValueTextEquals("metricValue"u8) && TryNumber(ref reader, out var value))
                component.MetricValue = value;
            else return false;
            seen |= Bit(name);
        }
        return reader.TokenType == JsonTokenType.EndObject && seen == 0b111111;
    }

    private static bool TryReadMissing(ref Utf8JsonReader reader, out V1.MissingComponent item)
    {
        item = new V1.MissingComponent();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader;
            if (!reader.Read()) return false;
            if (name.ValueTextEquals("kind"u8) && TryKind(ref reader, out var kind)) item.Kind = kind;
            else if (name.ValueTextEquals("reason"u8) && reader.TokenType == JsonTokenType.String)
                item.Reason = reader.GetString()!;
            else if (name.ValueTextEquals("metric"u8) && TryOptionalString(ref reader, out var metric))
                item.Metric = metric ?? "";
            else return false;
            seen |= Bit(name);
        }
        return reader.TokenType == JsonTokenType.EndObject && seen == (1 | 1 << 3 | 1 << 4);
    }

    /// <summary>Which property a name is, as a bit: kind, score, weight, explanation or reason, metric,
    /// metricValue.</summary>
    private static int Bit(Utf8JsonReader name) =>
        name.ValueTextEquals("kind"u8) ? 1 : name.ValueTextEquals("score"u8) ? 1 << 1
        : name.ValueTextEquals("weight"u8) ? 1 << 2
        : name.ValueTextEquals("explanation"u8) || name.ValueTextEquals("reason"u8) ? 1 << 3
        : name.ValueTextEquals("metric"u8) ? 1 << 4 : 1 << 5;

    private static bool TryKind(ref Utf8JsonReader reader, out V1.HealthComponentKind kind)
    {
        kind = default;
        if (reader.TokenType != JsonTokenType.String || !Kinds.TryGetValue(reader.GetString()!, out var known))
            return false;
        kind = (V1.HealthComponentKind)known;
        return true;
    }

    private static bool TryNumber(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value);
    }

    private static bool TryOptionalString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }
}
