using System.Globalization;

namespace CustomerHealth.ClientSmoke;

/// <summary>The command line: the server, the bearer token, and how long to wait for non-empty answers.</summary>
internal sealed record SmokeOptions(Uri Target, string Token, TimeSpan Wait)
{
    public static SmokeOptions Parse(IReadOnlyList<string> args)
    {
        var target = new Uri("http://127.0.0.1:5080");
        var token = Environment.GetEnvironmentVariable("CUSTOMERHEALTH_TOKEN");
        var wait = TimeSpan.FromSeconds(120);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--target":
                    target = new Uri(value.Contains("://", StringComparison.Ordinal) ? value : $"http://{value}");
                    break;
                case "--token": token = value; break;
                case "--token-file": token = File.ReadAllText(value).Trim(); break;
                case "--wait": wait = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (args.Count % 2 != 0) throw new ArgumentException($"{args[^1]} needs a value");
        if (string.IsNullOrEmpty(token))
        {
            throw new ArgumentException("give --token, --token-file or CUSTOMERHEALTH_TOKEN");
        }
        return new SmokeOptions(target, token, wait);
    }
}
