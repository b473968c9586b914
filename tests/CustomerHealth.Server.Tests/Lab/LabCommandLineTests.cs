using CustomerHealth.Lab;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Tests.Infrastructure;

namespace CustomerHealth.Server.Tests.Lab;

/// <summary>
/// The lab tools' command line: <c>generate</c> and <c>renewals-evaluate</c> with their options, every other argument
/// configuration of the server they host (which the hand-written parsers refused).
/// </summary>
public sealed class LabCommandLineTests
{
    [Fact]
    public void GenerateTakesItsOptionsAndLeavesConfigurationArgumentsToTheHost()
    {
        string[] args =
        [
            "generate", "--accounts", "5000", "--Database:Provider", "PostgreSql", "--write", "direct",
            "--ConnectionStrings:CustomerHealth", "Host=db", "--concurrency", "2", "--contentRoot=/srv/lab",
        ];

        var parse = LabCommandLine.Create().ParseArguments(args);

        Assert.Empty(parse.Errors);
        Assert.Equal("generate", parse.CommandResult.Command.Name);
        Assert.Equal(5000, parse.GetValue<int>("--accounts"));
        Assert.Equal("direct", parse.GetValue<string>("--write"));
        Assert.Equal(2, parse.GetValue<int?>("--concurrency"));
        Assert.Equal(1, parse.GetValue<int>("--seed"));
        Assert.Equal("data/truth", parse.GetValue<string>("--truth"));
        string[] configuration =
        [
            "--Database:Provider", "PostgreSql", "--ConnectionStrings:CustomerHealth", "Host=db",
            "--contentRoot=/srv/lab",
        ];
        Assert.Equal(configuration, ServerCommandLine.Configuration(parse));
    }

    [Fact]
    public void EvaluateTakesTheLeadDaysBesideAContentRoot()
    {
        string[] args = ["renewals-evaluate", "--lead-days", "5", "--contentRoot=/srv/lab"];

        var parse = LabCommandLine.Create().ParseArguments(args);

        Assert.Empty(parse.Errors);
        Assert.Equal(5, parse.GetValue<int?>("--lead-days"));
        Assert.Equal(["--contentRoot=/srv/lab"], ServerCommandLine.Configuration(parse));
    }

    [Fact]
    public void TheContentRootDotnetRunPutsAheadOfTheCommandMovesBehindIt()
    {
        string[] run = ["--contentRoot", "/src/server", "generate", "--accounts", "5", "--contentRoot=/mine"];

        var moved = LabCommandLine.CommandFirst(run);
        var parse = LabCommandLine.Create().ParseArguments(moved);

        Assert.Equal(["generate", "--contentRoot", "/src/server", "--accounts", "5", "--contentRoot=/mine"], moved);
        Assert.Empty(parse.Errors);
        Assert.Equal(["--contentRoot", "/src/server", "--contentRoot=/mine"], ServerCommandLine.Configuration(parse));
        Assert.Equal(["--help"], LabCommandLine.CommandFirst(["--contentRoot", "/src/server", "--help"]));
        Assert.Equal(["dev-token"], LabCommandLine.CommandFirst(["dev-token"]));
    }

    [Theory]
    [InlineData("generate", "--write", "sideways")]
    [InlineData("generate", "--accounts", "many")]
    [InlineData("generate", "--target", "not a url")]
    [InlineData("generate", "--streams", "17")]
    [InlineData("generate", "--activity-days", "401")]
    [InlineData("renewals-evaluate", "--lead-days", "0")]
    [InlineData("renewals-evaluate", "--truth", "/nonexistent/truth")]
    public async Task AnImpossibleRequestIsRefusedWithExitCodeTwoBeforeAnythingIsComposed(params string[] args)
    {
        Assert.Equal(2, await LabCommandLine.Create().InvokeAsync(args));
    }

    [Fact]
    public async Task HelpListsTheCommands()
    {
        var folder = Directory.CreateTempSubdirectory("lab-help-").FullName;
        try
        {
            var help = await DotnetProcess.RunAsync("CustomerHealth.Lab.dll", folder, "--help");

            Assert.Equal(0, help.ExitCode);
            Assert.Contains("generate", help.Output, StringComparison.Ordinal);
            Assert.Contains("renewals-evaluate", help.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task GenerateWithoutWritingMakesTheGroundTruthOfTheDemoPortfolio()
    {
        var folder = Directory.CreateTempSubdirectory("lab-truth-").FullName;
        try
        {
            var run = await DotnetProcess.RunAsync("CustomerHealth.Lab.dll", folder,
                "generate", "--write", "none", "--accounts", "12", "--seed", "42", "--activity-days", "14",
                "--prefix", "demo-", "--truth", "truth", "--Logging:LogLevel:Default", "Information");

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.Contains("Generated 12 accounts without writing", run.Output, StringComparison.Ordinal);
            var accounts = File.ReadAllLines(Path.Combine(folder, "truth", "accounts.csv"));
            Assert.Equal(
                Enumerable.Range(1, 12).Select(i => $"demo-{i:D6}"),
                accounts.Skip(1).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal));
            Assert.True(File.ReadAllLines(Path.Combine(folder, "truth", "daily_health.csv")).Length > 12);
            Assert.True(File.Exists(Path.Combine(folder, "truth", "renewals.csv")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
