using System.CommandLine;
using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Lab;

/// <summary>
/// The lab tools' command line (<c>--help</c> prints it): <c>generate</c>, <c>renewals-evaluate</c> and <c>dev-token</c>. An argument a
/// command does not know is configuration of the server they host, as for the server itself (<c>--Key value</c>,
/// <c>--Key=value</c>, <c>--contentRoot=DIR</c>).
/// </summary>
public static class LabCommandLine
{
    private const string Description = """
        CustomerHealth lab tools: synthetic portfolios with known ground truth, and renewal model evaluation.
        They host the server's own composition, so its configuration applies (appsettings.json, environment variables,
        and arguments: --Key value or --Key=value, for example --Database:Provider PostgreSql, --contentRoot=DIR).
        """;

    public static Task<int> Main(string[] args)
    {
        TerminalProgressBar.AttachIfInteractive();
        return Create().InvokeAsync(CommandFirst(args));
    }

    /// <summary>
    /// <c>dotnet run</c> puts the project's <c>--contentRoot DIR</c> ahead of the command, where no command takes it:
    /// it moves right behind the command, as configuration (so a <c>--contentRoot</c> of the caller's still wins),
    /// and is dropped when no command follows (<c>--help</c>).
    /// </summary>
    public static string[] CommandFirst(string[] args) => args switch
    {
        ["--contentRoot", var folder, var command, .. var rest] when !command.StartsWith('-') =>
            [command, "--contentRoot", folder, .. rest],
        ["--contentRoot", _, .. var rest] => [.. rest],
        _ => args,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(DevTokenCommand.Create());
        return root;
    }

    /// <summary>A command line that parses but asks for the impossible: the reason on stderr, exit code 2.</summary>
    public static async Task<int> RefuseAsync(string problem)
    {
        await Console.Error.WriteLineAsync($"{problem} (--help prints the usage)");
        return 2;
    }
}
