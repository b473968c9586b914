namespace CustomerHealth.Synthetic;

/// <summary>
/// A small, seeded, platform-independent random source (SplitMix64). Each account and each of its streams (profile,
/// events, signals) gets its own generator derived from (seed, account index, stream), so that accounts can be made in
/// any order or in parallel and one account's events can be enumerated again without replaying the others.
/// </summary>
internal sealed class Rng(ulong state)
{
    private ulong _state = state;

    public static Rng For(int seed, int account, Stream stream) =>
        new(Mix(Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)account) ^ (ulong)stream));

    public enum Stream : ulong { Profile = 0x51ED27, Events = 0xE7E175, Signals = 0x516AA1, Business = 0xB051E5 }

    /// <summary>Uniform on [0, 1).</summary>
    public double Next() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * Next();

    /// <summary>Uniform integer in [low, high).</summary>
    public int Int(int low, int high) => low + (int)(Next() * (high - low));

    public bool Chance(double probability) => Next() < probability;

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - Next();
        var u2 = Next();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    /// <summary>Log-normal whose median is <paramref name="median"/>.</summary>
    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - Next());

    /// <summary>Poisson with the given mean (Knuth's product of uniforms; means here stay small), at most
    /// <paramref name="cap"/>.</summary>
    public int Poisson(double mean, int cap = 50)
    {
        var limit = Math.Exp(-mean);
        var (k, product) = (0, Next());
        while (product > limit && k < cap)
        {
            k++;
            product *= Next();
        }
        return k;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    private ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
