using CustomerHealth.Domain.Engagement;
using CustomerHealth.Lab;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>
/// Base of the integration test classes: one clean database per class (the fixture), one server per test.
/// A test whose database engine is not available here is skipped with the fixture's reason.
/// </summary>
public abstract class IntegrationTest<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 3, 15, 10, 30, 0, TimeSpan.Zero);
    private readonly TDatabase _database;
    private ServiceUnderTest? _service;

    protected IntegrationTest(TDatabase database) => _database = database;

    /// <summary>The class's database, for tests that start more servers on it.</summary>
    protected TDatabase Database => _database;

    protected ServiceUnderTest Service =>
        _service ?? throw new InvalidOperationException("The service starts in InitializeAsync.");

    protected ManualClock Clock => Service.Clock;

    /// <summary>The running test's cancellation token, for every call a test makes.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The lab tool's direct load into this test's database, with the service's scopes, event rules and
    /// clock: a generated portfolio without going through the API.</summary>
    protected DirectPortfolioWriter PortfolioWriter(
        int chunkSize = DirectPortfolioWriter.DefaultChunkSize, int writers = 1) =>
        new(Service.Services.GetRequiredService<IServiceScopeFactory>(),
            Service.Services.GetRequiredService<EventRules>(), Clock, NullLogger.Instance)
        {
            ChunkSize = chunkSize,
            Writers = writers,
        };

    /// <summary>
    /// Extra configuration for the class's servers (for example shorter worker intervals); none by default.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public virtual ValueTask InitializeAsync()
    {
        Assert.SkipWhen(_database.SkipReason is not null, _database.SkipReason ?? "");
        _service = new ServiceUnderTest(_database, new ManualClock(DefaultNow), settings: Settings);
        _ = _service.Server; // starts the host, migrating the database
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a call that must fail and returns its rich status (code, message, details).</summary>
    protected static async Task<Google.Rpc.Status> FailsWith(StatusCode expected, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        return status;
    }

    /// <summary>
    /// Asserts the status is INVALID_ARGUMENT and names <paramref name="field"/> among its field violations.
    /// </summary>
    protected static async Task<BadRequest> RejectsField(string field, Func<Task> call)
    {
        var status = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
        return badRequest;
    }
}
