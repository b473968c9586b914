using Google.Protobuf;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Makes case number <c>index</c> of a seeded run: the RPC in turn (every RPC once per round), the kind by weight,
/// and the request bodies from the RPC's input descriptor. The same seed and index give the same case in any process
/// and at any concurrency.
/// </summary>
public sealed class CaseFactory(
    int seed, FieldLimits limits, FuzzIds ids, DateTimeOffset now, IReadOnlyList<FuzzRpc> rpcs)
{
    /// <summary>Copies of one write sent at once by a write race (the 8 identical calls).</summary>
    public const int RaceWidth = 8;

    /// <summary>The largest request body built: past the server's 4 MB limit, by a little.</summary>
    public const int MaxBodyBytes = 5 * 1024 * 1024;

    public int Seed => seed;

    public IReadOnlyList<FuzzRpc> Rpcs => rpcs;

    public FuzzCase Make(long index, CaseKind? kind = null)
    {
        var random = new Random(unchecked((int)((seed * 2_654_435_761L) ^ (index * 40_503L) ^ (index >> 16))));
        var rpc = rpcs[(int)(index % rpcs.Count)];
        var chosen = kind ?? PickKind(random, rpc);
        var values = new FuzzValues(random, limits, ids, now);
        var builder = new MessageBuilder(values, chosen switch
        {
            CaseKind.Boundary => 0.12,
            CaseKind.Chaos => 0.6,
            _ => 0,
        });
        var count = rpc.Descriptor.IsClientStreaming ? random.Next(1, 4) : 1;
        var bodies = new List<byte[]>();
        var notes = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var body = Serialize(builder, rpc);
            bodies.Add(body);
            var tooBig = body.Length == 0 && builder.Notes.Count > 0;
            notes.AddRange(tooBig ? ["an empty message (every build was too big)"] : builder.Notes);
        }
        if (chosen == CaseKind.Malformed)
        {
            var (body, what) = MalformedBodies.For(rpc.Descriptor.InputType, bodies[^1], random);
            bodies[^1] = body;
            notes.Add(what);
        }
        var note = notes.Count == 0 ? "valid-looking" : string.Join("; ", notes);
        var copies = chosen == CaseKind.WriteRace ? RaceWidth : 1;
        return new FuzzCase(seed, index, rpc, chosen, bodies, note) { Copies = copies };
    }

    /// <summary>
    /// A built message's bytes; a message past <see cref="MaxBodyBytes"/> (several huge fields at once) is built again,
    /// and after a few tries the request is sent empty.
    /// </summary>
    private static byte[] Serialize(MessageBuilder builder, FuzzRpc rpc)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var message = builder.Build(rpc.Descriptor.InputType);
            try
            {
                if (message.CalculateSize() <= MaxBodyBytes) return message.ToByteArray();
            }
            catch (OverflowException)
            {
            }
        }
        return [];
    }

    private static CaseKind PickKind(Random random, FuzzRpc rpc) => random.Next(100) switch
    {
        < 20 => CaseKind.Valid,
        < 60 => CaseKind.Boundary,
        < 70 => CaseKind.Chaos,
        < 90 => CaseKind.Malformed,
        _ => rpc.Writes && !rpc.Descriptor.IsClientStreaming ? CaseKind.WriteRace : CaseKind.Boundary,
    };
}
