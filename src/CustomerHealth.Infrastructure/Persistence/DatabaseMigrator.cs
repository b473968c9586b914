using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Applies the configured provider's pending migrations, each statement allowed
/// <see cref="DatabaseOptions.MigrationCommandTimeoutSeconds"/> (this scope's context keeps that timeout).
/// </summary>
public sealed class DatabaseMigrator(CustomerHealthDbContext db, DatabaseOptions options, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        db.Database.SetCommandTimeout(TimeSpan.FromSeconds(options.MigrationCommandTimeoutSeconds));
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
        if (pending.Length == 0)
        {
            logger.LogInformation("The {Provider} database is up to date.", options.Provider);
            return pending;
        }
        logger.LogInformation("Applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Length, options.Provider, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        return pending;
    }
}
