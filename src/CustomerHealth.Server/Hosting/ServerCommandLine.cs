using System.CommandLine;

using CustomerHealth.Server.Security;

namespace CustomerHealth.Server.Hosting;

/// <summary>
/// The server's command line: the root command serves, <c>migrate</c> applies the migrations and exits (the Helm hook's
/// Job runs it), <c>--demo</c> fills an empty database with a demo portfolio, <c>--help</c> prints the usage. Any other
/// argument is configuration, handed to ASP.NET Core as it was given (<c>--Database:Provider PostgreSql</c>,
/// <c>--ConnectionStrings:CustomerHealth=...</c>, <c>--contentRoot=DIR</c>).
/// </summary>
public static class ServerCommandLine
{
    private const string Description = """
        CustomerHealth: customer health scores, onboarding, portfolio metrics and renewal predictions over gRPC.
        Serves by default. Any other argument is configuration, as in appsettings.json: --Key value or --Key=value, for
        example --Database:Provider PostgreSql, --ConnectionStrings:CustomerHealth "Host=...", --contentRoot=DIR.
        """;

    /// <param name="compose">Builds the service from configuration arguments; the flag asks for the demo.</param>
    public static RootCommand Create(Func<string[], bool, WebApplication> compose)
    {
        var demo = new Option<bool>("--demo")
        {
            Description = "Fill an empty database with a synthetic demo portfolio while serving (Demo:* settings)",
            Arity = ArgumentArity.Zero,
        };
        var root = new RootCommand(Description) { TreatUnmatchedTokensAsErrors = false };
        root.Options.Add(demo);
        root.SetAction(async parse =>
        {
            var app = compose(Configuration(parse), parse.GetValue(demo));
            app.EnsureSafeToServe();
            await app.MigrateOnStartupIfConfiguredAsync();
            await app.RunAsync();
            return 0;
        });
        var migrate = new Command("migrate", "Apply the pending migrations of the configured database, then exit")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        migrate.SetAction(parse => compose(Configuration(parse), false).RunMigrateCommandAsync());
        root.Subcommands.Add(migrate);
        return root;
    }

    /// <summary>
    /// Parses and runs; a command line it cannot read prints the errors and the usage, exit code 2. The host handles
    /// stop signals and exceptions, as without a command-line library: no response files (an argument starting with @
    /// stays configuration), no handler of its own for Ctrl+C, no catch-all for exceptions.
    /// </summary>
    public static async Task<int> InvokeAsync(this Command command, string[] args)
    {
        var parse = command.ParseArguments(args);
        var invocation = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        var code = await parse.InvokeAsync(invocation);
        return parse.Errors.Count > 0 ? 2 : code;
    }

    /// <summary>Parses without response files: an argument starting with @ is configuration like any other.</summary>
    public static ParseResult ParseArguments(this Command command, string[] args) =>
        command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>The arguments no command or option took, in their order: configuration for ASP.NET Core.</summary>
    public static string[] Configuration(ParseResult parse) => [.. parse.UnmatchedTokens];
}
