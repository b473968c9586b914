using System.CommandLine;
using System.CommandLine.Help;
using CustomerHealth.Lab.Client;
using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Lab;

/// <summary>
/// The <c>customerhealth</c> command line (<c>--help</c> prints it). Lab tools: <c>generate</c>, <c>evaluate</c> and
/// <c>token</c>; an argument they do not know is configuration of the server they host, as for the server itself
/// (<c>--Key value</c>, <c>--Key=value</c>, <c>--contentRoot=DIR</c>). Client verbs for a person at a terminal, calling
/// a running service: <c>accounts list</c>, <c>health get</c>, <c>health worst</c>, <c>renewals upcoming</c>.
/// </summary>
public static class LabCommandLine
{
    private const string Description = """
        customerhealth: look at a running CustomerHealth service, and the lab tools.
        The client verbs (accounts, health, renewals) call the service at --target with the bearer token of
        --token-file or CUSTOMERHEALTH_TOKEN. The lab tools (generate, evaluate, token) host the server's own
        composition, so its configuration applies (appsettings.json, environment variables, and arguments:
        --Key value or --Key=value, for example --Database:Provider PostgreSql, --contentRoot=DIR).
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

    /// <summary>
    /// The root command, named as the tool is installed (a RootCommand would take the assembly's name).
    /// </summary>
    public static Command Create()
    {
        var root = new Command("customerhealth", Description) { new HelpOption(), new VersionOption() };
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(RenewalsCommand.Create());
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
