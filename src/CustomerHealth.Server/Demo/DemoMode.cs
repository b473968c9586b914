namespace CustomerHealth.Server.Demo;

/// <summary>The <c>--demo</c> switch: taken off the arguments before configuration reads them (it has no value).</summary>
public static class DemoMode
{
    public const string Switch = "--demo";

    public static string[] Strip(string[] args, out bool demo)
    {
        demo = args.Contains(Switch, StringComparer.Ordinal);
        return demo ? args.Where(a => a != Switch).ToArray() : args;
    }
}
