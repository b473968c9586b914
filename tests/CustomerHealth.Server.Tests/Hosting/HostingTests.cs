using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Server.Tests.Infrastructure;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Server.Tests.Hosting;

public sealed class HostingOnSqlite(SqliteTestDatabase database) : HostingTests<SqliteTestDatabase>(database);

public sealed class HostingOnPostgreSql(PostgreSqlTestDatabase database)
    : HostingTests<PostgreSqlTestDatabase>(database);

public sealed class HostingOnSqlServer(SqlServerTestDatabase database) : HostingTests<SqlServerTestDatabase>(database);

/// <summary>
/// What operators and generic tools rely on: grpc.health.v1 following the database, reflection, migrations.
/// </summary>
public abstract class HostingTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{

    [Fact]
    public async Task TheHealthServiceReportsServingForTheServerAndEachService()
    {
        var health = new global::Grpc.Health.V1.Health.HealthClient(Service.Channel);

        var overall = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
        var accounts = await health.CheckAsync(
            new HealthCheckRequest { Service = "customerhealth.v1.AccountService" }, cancellationToken: Ct);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, accounts.Status);
    }

    [Fact]
    public async Task ReflectionListsTheServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(Service.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("customerhealth.v1.AccountService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task ReflectionServesTheContractWithItsComments()
    {
        var reflection = new ServerReflection.ServerReflectionClient(Service.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        var symbol = new ServerReflectionRequest { FileContainingSymbol = "customerhealth.v1.AccountService" };
        await call.RequestStream.WriteAsync(symbol, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom).ToArray();
        var service = Assert.Single(files, f => f.Name == "customerhealth/v1/account_service.proto");
        var comments = service.SourceCodeInfo.Location.Select(l => l.LeadingComments).ToArray();
        Assert.Contains(" Accounts and their contracts: what a CRM integration pushes and dashboards read.\n" +
            " Writes are idempotent: repeating a request with the same content changes nothing.\n", comments);
        Assert.Contains(" Returns one account. NOT_FOUND when it does not exist.\n", comments);
    }

    [Fact]
    public async Task MigratingAnUpToDateDatabaseAppliesNothing()
    {
        await using var scope = Service.Services.CreateAsyncScope();

        var applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct);

        Assert.Empty(applied);
    }

    [Fact]
    public async Task MigrationsMayRunLongerThanOrdinaryCommands()
    {
        await using var scope = Service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>();

        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct);

        Assert.Equal(new DatabaseOptions().MigrationCommandTimeoutSeconds, db.Database.GetCommandTimeout());
        Assert.Equal(3_600, new DatabaseOptions().MigrationCommandTimeoutSeconds);
        var validator = new DatabaseOptionsValidator();
        Assert.True(validator.Validate(null, new DatabaseOptions()).Succeeded);
        var tooShort = validator.Validate(null, new DatabaseOptions { MigrationCommandTimeoutSeconds = 0 });
        Assert.Contains("MigrationCommandTimeoutSeconds", tooShort.FailureMessage);
    }
}

/// <summary>
/// The health service follows the database: a server whose database cannot be reached is NOT_SERVING.
/// </summary>
public sealed class HealthFollowsTheDatabase
{
    [Fact]
    public async Task AnUnreachableDatabaseMakesTheServerNotServing()
    {
        var unreachable = new UnreachableDatabase();
        await using var service = new ServiceUnderTest(
            unreachable, new ManualClock(DateTimeOffset.UtcNow), migrateOnStartup: false);
        var health = new global::Grpc.Health.V1.Health.HealthClient(service.Channel);

        var response = await health.CheckAsync(
            new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, response.Status);
    }

    /// <summary>A PostgreSQL address where nothing listens.</summary>
    private sealed class UnreachableDatabase : TestDatabase
    {
        public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

        public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public UnreachableDatabase() =>
            ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2";
    }
}
