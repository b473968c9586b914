namespace CustomerHealth.Fuzz;

/// <summary>What a case sends.</summary>
public enum CaseKind
{
    /// <summary>Valid-looking values throughout (seeded ids, near dates): reaches deep code.</summary>
    Valid,

    /// <summary>Valid-looking, with a few fields at a boundary (empty, maximum+1, NaN, extreme dates, ...).</summary>
    Boundary,

    /// <summary>Most fields at a boundary.</summary>
    Chaos,

    /// <summary>A body no parser accepts (the last message, for a client stream).</summary>
    Malformed,

    /// <summary>One valid-looking write sent several times at once, as a client racing its own retries does.</summary>
    WriteRace,
}

/// <summary>
/// One generated case: the RPC, the request bodies (one per stream message) and a note of its boundary values. Cases
/// are numbered; (seed, index) rebuilds the same case (<see cref="CaseFactory.Make"/>).
/// </summary>
public sealed record FuzzCase(
    int Seed, long Index, FuzzRpc Rpc, CaseKind Kind, IReadOnlyList<byte[]> Bodies, string What)
{
    /// <summary>Identical copies sent at once (only write races send more than one).</summary>
    public int Copies { get; init; } = 1;

    /// <summary>Enough to send it again: seed and index, the RPC, what it holds, its bytes (hex, cut at 512).</summary>
    public string Reproducer =>
        $"{Rpc.Path} seed {Seed} case {Index} ({Kind}{(Copies > 1 ? $" x{Copies}" : "")}): {What}; bodies {Hex()}";

    private string Hex() => string.Join(" | ", Bodies.Select(b => b.Length <= 512
        ? Convert.ToHexStringLower(b)
        : $"{Convert.ToHexStringLower(b.AsSpan(0, 512))}… ({b.Length:N0} bytes)"));
}
