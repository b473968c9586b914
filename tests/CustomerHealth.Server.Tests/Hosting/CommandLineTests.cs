using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>
/// The server's command line: serving by default, <c>migrate</c>, <c>--demo</c> and <c>--help</c>; every other argument
/// reaches ASP.NET Core's configuration as it was given.
/// </summary>
public sealed class CommandLineTests
{
    private sealed class Composed(string[] configuration, bool demo) : Exception("composed")
    {
        public string[] Configuration { get; } = configuration;
        public bool Demo { get; } = demo;
    }

    /// <summary>Stands in for the composition: records what it was given instead of building a server.</summary>
    private static WebApplication Record(string[] configuration, bool demo) => throw new Composed(configuration, demo);

    [Fact]
    public void ServingIsTheDefaultAndTakesTheDemoSwitchAndConfigurationArguments()
    {
        string[] args = ["--demo", "--Database:Provider", "PostgreSql", "--contentRoot=/srv/health", "--Key=@x"];

        var parse = ServerCommandLine.Create(Record).ParseArguments(args);

        Assert.Empty(parse.Errors);
        Assert.True(parse.CommandResult.Command is System.CommandLine.RootCommand);
        Assert.True(parse.GetValue<bool>("--demo"));
        Assert.Equal(["--Database:Provider", "PostgreSql", "--contentRoot=/srv/health", "--Key=@x"],
            ServerCommandLine.Configuration(parse));
    }

    [Fact]
    public async Task MigrateComposesTheServiceWithItsConfigurationAndWithoutTheDemo()
    {
        string[] args = ["migrate", "--ConnectionStrings:CustomerHealth", "Host=db", "--Database:Provider=PostgreSql"];

        var parse = ServerCommandLine.Create(Record).ParseArguments(args);
        var composed = await Assert.ThrowsAsync<Composed>(() => ServerCommandLine.Create(Record).InvokeAsync(args));

        Assert.Equal("migrate", parse.CommandResult.Command.Name);
        Assert.Equal(args[1..], composed.Configuration);
        Assert.False(composed.Demo);
    }

    [Fact]
    public async Task HelpPrintsTheUsageAndExitsWithoutServing()
    {
        var folder = Directory.CreateTempSubdirectory("server-help-").FullName;
        try
        {
            var help = await DotnetProcess.RunAsync("CustomerHealth.Server.dll", folder, "--help");

            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
            Assert.Contains("migrate", help.Output, StringComparison.Ordinal);
            Assert.Contains("--demo", help.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Now listening", help.Output, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder)); // no database made
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
