using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Builds request messages of any type from its descriptor alone (Google.Protobuf reflection: a fresh instance of the
/// generated class, each field set through its <see cref="FieldDescriptor.Accessor"/>), so any message of the contract,
/// today's or tomorrow's, can be fuzzed. Each field gets a valid-looking value, or with probability
/// <c>boundaryShare</c> a boundary one; the boundary fields chosen are noted, for the reproducer.
/// </summary>
public sealed class MessageBuilder(FuzzValues values, double boundaryShare)
{
    private const int MaxDepth = 5;
    private readonly List<string> _notes = [];
    private bool _quiet;

    /// <summary>The boundary values the last message got, as <c>field.path: what</c>.</summary>
    public IReadOnlyList<string> Notes => _notes;

    private Random Random => values.Random;

    public IMessage Build(MessageDescriptor descriptor)
    {
        _notes.Clear();
        return Build(descriptor, "", 0);
    }

    private IMessage Build(MessageDescriptor descriptor, string path, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            // Most fields are set; one member of a oneof wins (a later one replaces an earlier one).
            if (Random.NextDouble() < 0.2 || depth >= MaxDepth) continue;
            var fieldPath = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            if (field.IsMap) FillMap(message, field, fieldPath, depth);
            else if (field.IsRepeated) FillList(message, field, fieldPath, depth);
            else if (Value(field, fieldPath, depth) is { } value) field.Accessor.SetValue(message, value);
        }
        return message;
    }

    private void FillList(IMessage message, FieldDescriptor field, string path, int depth)
    {
        var list = (IList)field.Accessor.GetValue(message);
        var count = Random.Next(1, 4);
        if (Boundary())
        {
            // Empty, or just over the list's own limit when the tables name one (events per batch, ids per call).
            count = Random.Next(2) == 0 ? 0 : Math.Min(values.LimitOver(field.Name, fallback: 1_001), 20_000);
            Note(path, $"{count} items");
        }
        // Long lists repeat one valid-looking element: the count is the point, and the message stays small enough.
        var first = count > 0 ? Quietly(count > 10, () => Value(field, $"{path}[0]", depth)) : null;
        for (var i = 0; i < count && first is not null; i++)
        {
            list.Add(count > 10 ? first : i == 0 ? first : Value(field, $"{path}[{i}]", depth)!);
        }
    }

    private void FillMap(IMessage message, FieldDescriptor field, string path, int depth)
    {
        var map = (IDictionary)field.Accessor.GetValue(message);
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var count = Boundary() ? 100 : Random.Next(0, 3);
        if (count > 3) Note(path, $"{count} entries");
        for (var i = 0; i < count; i++)
        {
            var key = Quietly(count > 3, () => Value(keyField, $"{path}.key", depth));
            if (key is not null && Quietly(count > 3, () => Value(valueField, $"{path}[{key}]", depth)) is { } value)
                map[key is string s && count > 3 ? $"{s}{i}" : key] = value;
        }
    }

    private object? Value(FieldDescriptor field, string path, int depth)
    {
        var boundary = field.FieldType != FieldType.Message && Boundary();
        object? value = field.FieldType switch
        {
            FieldType.String => boundary ? values.BoundaryString(field) : values.ValidString(field),
            FieldType.Bool => Random.Next(2) == 0,
            FieldType.Bytes => ByteString.CopyFrom(values.RandomBytes(boundary ? 70_000 : Random.Next(0, 16))),
            FieldType.Double => boundary ? values.BoundaryDouble() : values.ValidDouble(field),
            FieldType.Float => (float)(boundary ? values.BoundaryDouble() : values.ValidDouble(field)),
            FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, values.EnumNumber(field, boundary)),
            FieldType.Message or FieldType.Group => MessageValue(field, path, depth),
            _ => Integer(field, boundary),
        };
        if (boundary) Note(path, Describe(value));
        return value;
    }

    private object? MessageValue(FieldDescriptor field, string path, int depth)
    {
        var boundary = Boundary();
        if (WellKnownValues.For(field.MessageType.FullName, values, boundary) is { } known)
        {
            if (boundary) Note(path, known.ToString() ?? "");
            return known;
        }
        return Build(field.MessageType, path, depth + 1);
    }

    private object Integer(FieldDescriptor field, bool boundary)
    {
        var (min, max) = field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ((long)int.MinValue, (long)int.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => (0L, (long)uint.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => (0L, long.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        var number = boundary ? values.BoundaryInteger(field, min, max) : values.ValidInteger(field);
        return field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (object)(int)number,
            FieldType.UInt32 or FieldType.Fixed32 => (uint)number,
            FieldType.UInt64 or FieldType.Fixed64 => (ulong)number,
            _ => number,
        };
    }

    private bool Boundary() => !_quiet && Random.NextDouble() < boundaryShare;

    /// <summary>Builds with valid-looking values only (the elements of long lists and maps).</summary>
    private T Quietly<T>(bool quiet, Func<T> build)
    {
        var was = _quiet;
        _quiet |= quiet;
        try
        {
            return build();
        }
        finally
        {
            _quiet = was;
        }
    }

    private void Note(string path, string what) => _notes.Add($"{path}: {what}");

    private static string Describe(object? value) => value switch
    {
        string { Length: > 40 } s => $"{s.Length:N0} chars of '{s[..8]}…'",
        string s => $"'{s}'",
        ByteString b => $"{b.Length:N0} bytes",
        double d => d.ToString("R", null),
        _ => value?.ToString() ?? "null",
    };
}
