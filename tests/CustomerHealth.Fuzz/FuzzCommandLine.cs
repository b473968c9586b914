using System.CommandLine;

namespace CustomerHealth.Fuzz;

/// <summary>
/// The long fuzz run against a separately started server (docs/benchmarks/fuzz.md). Exit code: 0 when nothing was
/// found, 1 when any call broke a rule (UNKNOWN, INTERNAL, an oversized answer, the server not serving), 2 for bad
/// options. A class with Main rather than top-level statements, so that the test project, which references this one
/// and the server, sees one <c>Program</c> only (the server's).
/// </summary>
public static class FuzzCommandLine
{
    private static readonly Option<string> Target = new("--target")
    {
        Description = "The server's address (http://host:port, or https://)",
        Required = true,
    };
    private static readonly Option<FileInfo> TokenFile = new("--token-file")
    {
        Description = "A file holding a token with every scope (a development server writes data/dev-auth/token)",
        Required = true,
    };
    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "The run's seed",
        DefaultValueFactory = _ => 17,
    };
    private static readonly Option<long> Count = new("--count")
    {
        Description = "Cases to run (a write race of 8 identical calls counts once)",
        DefaultValueFactory = _ => 100_000,
    };
    private static readonly Option<int?> Duration = new("--duration-seconds")
    {
        Description = "Stop after this many seconds, whatever the count",
    };
    private static readonly Option<int> Concurrency = new("--concurrency")
    {
        Description = "Cases in flight at once",
        DefaultValueFactory = _ => 8,
    };
    private static readonly Option<int> Deadline = new("--deadline-seconds")
    {
        Description = "Each call's deadline",
        DefaultValueFactory = _ => 10,
    };
    private static readonly Option<int?> ServerPid = new("--server-pid")
    {
        Description = "The server's process id, to read its memory",
    };
    private static readonly Option<long> MaxBytes = new("--max-answer-bytes")
    {
        Description = "Largest answer allowed (bytes); larger is a finding",
        DefaultValueFactory = _ => 4 * 1024 * 1024,
    };

    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Fuzzes every RPC of the customerhealth packages on a running server")
        {
            Target, TokenFile, Seed, Count, Duration, Concurrency, Deadline, ServerPid, MaxBytes,
        };
        root.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(Concurrency) is < 1 or > 256 || parse.GetValue(Count) < 1
                || parse.GetValue(Deadline) < 1
                || !Uri.TryCreate(parse.GetValue(Target), UriKind.Absolute, out var target))
            {
                await Console.Error.WriteLineAsync(
                    "--target must be an address; --concurrency 1 to 256; --count and --deadline-seconds at least 1");
                return 2;
            }
            var options = new LongRunOptions(target, parse.GetValue(TokenFile)!.FullName,
                parse.GetValue(Seed), parse.GetValue(Count), Seconds(parse.GetValue(Duration)),
                parse.GetValue(Concurrency), TimeSpan.FromSeconds(parse.GetValue(Deadline)), parse.GetValue(ServerPid),
                parse.GetValue(MaxBytes));
            return await LongRun.RunAsync(options, Console.Out, ct);
        });
        return await root.Parse(args).InvokeAsync();
    }

    private static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
