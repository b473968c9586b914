using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Server.Hosting;

/// <summary>
/// Commands of the server executable besides serving: <c>migrate</c> applies the database migrations and exits.
/// </summary>
public static class ServerCommands
{
    /// <summary>Applies pending migrations of the configured provider; exit code 0 on success, 1 on failure.</summary>
    public static async Task<int> RunMigrateCommandAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CustomerHealth.Migrate");
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>()
                .MigrateAsync(app.Lifetime.ApplicationStopping);
            logger.LogInformation("Migration finished: {Count} migration(s) applied.", applied.Count);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Migration failed.");
            return 1;
        }
    }

    /// <summary>
    /// SQLite (by default) migrates itself at start-up; server databases only when Database:MigrateOnStartup is true.
    /// </summary>
    public static async Task MigrateOnStartupIfConfiguredAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<DatabaseOptions>().ShouldMigrateOnStartup) return;
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>()
            .MigrateAsync(app.Lifetime.ApplicationStopping);
    }
}
