using System.Diagnostics;
using CustomerHealth.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>
/// Applies the configured provider's pending migrations, each statement allowed
/// <see cref="DatabaseOptions.MigrationCommandTimeoutSeconds"/> (this scope's context keeps that timeout).
/// </summary>
public sealed class DatabaseMigrator(
    CustomerHealthDbContext db, DatabaseOptions options, ILogger<DatabaseMigrator> logger, TimeProvider? clock = null)
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
        logger.LogInformation(
            "Applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Length, options.Provider,
            string.Join(", ", pending));
        // One at a time, so that the progress tells which one runs and how long each took (a migration that rewrites a
        // large table can take minutes); each is its own transaction, as when they are applied together.
        var migrator = db.GetService<IMigrator>();
        using var progress = new WorkProgress(
            "Migrating", pending.Length, "migrations", logger, clock ?? TimeProvider.System);
        foreach (var migration in pending)
        {
            progress.EnterStage(migration);
            var started = Stopwatch.GetTimestamp();
            await migrator.MigrateAsync(migration, cancellationToken);
            progress.Advance();
            var elapsed = WorkProgress.Format(Stopwatch.GetElapsedTime(started));
            logger.LogInformation("Applied {Migration} in {Elapsed}.", migration, elapsed);
        }
        return pending;
    }
}
