using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Security;

/// <summary>Prints the development token (every scope) at start-up and writes it to the development folder.</summary>
public sealed class DevelopmentTokenAnnouncer(
    DevelopmentCredentials credentials, IOptions<SecurityOptions> options, ILogger<DevelopmentTokenAnnouncer> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var token = credentials.WriteDeveloperToken(options.Value.Development.TokenLifetime);
        logger.LogWarning(
            "No authentication is configured, so this loopback-only server accepts tokens signed by its development " +
            "key "
            + "({Folder}). Token with every scope (also in {TokenFile}):{NewLine}{Token}",
            credentials.Folder, credentials.TokenFile, Environment.NewLine, token);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
