using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CustomerHealth.Server.Tests.Audit;

public sealed class AuditMigrationOnSqlite(SqliteTestDatabase database)
    : AuditMigrationTests<SqliteTestDatabase>(database);

public sealed class AuditMigrationOnPostgreSql(PostgreSqlTestDatabase database)
    : AuditMigrationTests<PostgreSqlTestDatabase>(database);

public sealed class AuditMigrationOnSqlServer(SqlServerTestDatabase database)
    : AuditMigrationTests<SqlServerTestDatabase>(database);

/// <summary>The health service's own audit, from before the one trail, is carried into it by the migration.</summary>
public abstract class AuditMigrationTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : TestDatabase
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheMigrationCopiesTheHealthAuditIntoTheTrailAndKeepsTheOldTableForTheReleaseBefore()
    {
        Assert.SkipWhen(database.SkipReason is not null, database.SkipReason ?? "");
        var builder = new DbContextOptionsBuilder<CustomerHealthDbContext>();
        DatabaseRegistration.Configure(
            builder,
            new DatabaseOptions { Provider = database.Provider },
            database.ConnectionString
        );
        await using var db = new CustomerHealthDbContext(builder.Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToArray();
        var addAuditTrail = Array.FindIndex(migrations, m => m.EndsWith("_AddAuditTrail", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[addAuditTrail - 1], Ct);

        // Raw SQL takes {0}-style placeholders: the JSON braces are doubled.
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO health_audit (account_id, action, actor, at, before, after) VALUES
                ('acme', 1, 'csm.alice@example.com', '2026-01-05 09:00:00', NULL, '{{"band":"AtRisk"}}'),
                (NULL, 3, 'ops', '2026-01-06 10:00:00', '{{"version":1}}', '{{"version":2}}'),
                ('acme', 2, 'csm.bob@example.com', '2026-01-07 11:00:00', '{{"band":"AtRisk"}}', NULL)
            """.Replace(
                "before, after",
                database.Provider == DatabaseProvider.SqlServer ? "[before], [after]" : "\"before\", \"after\"",
                StringComparison.Ordinal
            ),
            Ct
        );
        await migrator.MigrateAsync(cancellationToken: Ct);

        var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(
            [AuditAction.HealthOverrideSet, AuditAction.ScorecardReplaced, AuditAction.HealthOverrideCleared],
            events.Select(e => e.Action)
        );
        Assert.Equal(["csm.alice@example.com", "ops", "csm.bob@example.com"], events.Select(e => e.Caller));
        Assert.All(events, e => Assert.Equal(CallerKind.Unverified, e.CallerKind));
        Assert.Equal(
            [AuditTargets.Account, AuditTargets.Scorecard, AuditTargets.Account],
            events.Select(e => e.TargetType)
        );
        Assert.Equal(["acme", null, "acme"], events.Select(e => e.TargetId));
        Assert.Equal("customerhealth.v1.HealthService/ClearHealthOverride", events[2].Rpc);
        Assert.Equal(new DateTime(2026, 1, 6, 10, 0, 0, DateTimeKind.Utc), events[1].At);
        Assert.Equal("{\"version\":1}", events[1].BeforeJson);
        Assert.Equal("{\"band\":\"AtRisk\"}", events[0].AfterJson);
        // The release before still writes here during a rolling upgrade; the table goes a release later.
        Assert.Equal(
            3,
            await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM health_audit").SingleAsync(Ct)
        );
    }
}
