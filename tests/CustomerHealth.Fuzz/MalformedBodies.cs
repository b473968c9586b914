using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Request bodies no protobuf parser accepts, built for a given request type: invalid UTF-8 in its first string field,
/// a length past the end, a bad wire type, a varint that never ends, groups nested past the parser's recursion
/// limit, a valid message cut short or followed by junk, plain random bytes.
/// </summary>
public static class MalformedBodies
{
    public static (byte[] Body, string What) For(MessageDescriptor request, byte[] valid, Random random)
    {
        var stringField = request.Fields.InFieldNumberOrder()
            .FirstOrDefault(f => f.FieldType == FieldType.String && !f.IsMap);
        var number = stringField?.FieldNumber ?? 1;
        var tag = WireFormat.MakeTag(number, WireFormat.WireType.LengthDelimited);
        return random.Next(9) switch
        {
            0 => ([.. Varint(tag), 0x02, 0xff, 0xfe], $"invalid UTF-8 in field {number}"),
            1 => ([.. Varint(tag), 0x05], "a length past the end"),
            2 => ([0xff], "a bad wire type"),
            3 => ([0x08, .. Enumerable.Repeat((byte)0xff, 11)], "a varint that never ends"),
            4 => (NestedGroups(200), "groups nested 200 deep"),
            5 when valid.Length > 1 => (valid[..random.Next(1, valid.Length)], "a valid message cut short"),
            6 => ([.. valid, 0x0f, 0xff], "a valid message followed by junk"),
            7 => ([.. Varint(tag), 0xff, 0xff, 0xff, 0xff, 0x0f], "a length of 4 GiB"),
            _ => (RandomBytes(random), "random bytes"),
        };
    }

    /// <summary>An unknown group field (number 15) opened <paramref name="depth"/> times, then closed.</summary>
    public static byte[] NestedGroups(int depth)
    {
        var open = (byte)WireFormat.MakeTag(15, WireFormat.WireType.StartGroup);
        var close = (byte)WireFormat.MakeTag(15, WireFormat.WireType.EndGroup);
        return [.. Enumerable.Repeat(open, depth), .. Enumerable.Repeat(close, depth)];
    }

    private static byte[] Varint(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        return bytes;
    }
}
