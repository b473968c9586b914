using System.CommandLine;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Lab;

/// <summary>
/// <c>token</c> (formerly <c>dev-token</c>, still accepted): a token of the server's loopback development key (the one
/// a server with no authentication configured makes in <c>Authentication:Development:Folder</c>) for a chosen subject
/// and scopes, to try the scopes out.
/// </summary>
public static class DevTokenCommand
{
    public static Command Create()
    {
        var subject = new Option<string>("--subject")
        {
            Description = "The caller the token names (its sub claim)",
            DefaultValueFactory = _ => "developer",
            HelpName = "NAME",
        };
        var scopes = new Option<string[]>("--scope")
        {
            Description = $"A scope to grant, repeatable (default: every scope: {string.Join(", ", Scopes.All)})",
            HelpName = "SCOPE",
        };
        var days = new Option<int>("--days")
        {
            Description = "Days the token stays valid, 1 to 365",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var command = new Command("token", "Print a token of the loopback development key for a subject and scopes")
        {
            subject, scopes, days,
        };
        command.Aliases.Add("dev-token");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async parse =>
        {
            var granted = parse.GetValue(scopes) is { Length: > 0 } asked ? asked : [.. Scopes.All];
            if (granted.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } unknown)
                return await LabCommandLine.RefuseAsync($"--scope {unknown} is not a scope of the service");
            if (parse.GetValue(days) is < 1 or > 365) return await LabCommandLine.RefuseAsync(
                "--days must be 1 to 365");
            await using var app = Program.Compose(ServerCommandLine.Configuration(parse));
            if (app.Services.GetService<DevelopmentCredentials>() is not { } development)
                return await LabCommandLine.RefuseAsync(
                    "Authentication is configured (Authentication:Jwt or Authentication:Certificate), so the server " +
                    "accepts no development tokens: get one from your identity provider");
            var lifetime = TimeSpan.FromDays(parse.GetValue(days));
            await Console.Out.WriteLineAsync(development.Mint(parse.GetValue(subject)!, granted.Distinct(), lifetime));
            return 0;
        });
        return command;
    }
}
