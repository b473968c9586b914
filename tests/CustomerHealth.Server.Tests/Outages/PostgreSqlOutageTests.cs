using System.Diagnostics;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CustomerHealth.Server.Tests.Outages;

/// <summary>
/// PostgreSQL pulled away under load and given back, through a TCP proxy in front of this class's database (the shared
/// cluster itself is never stopped): calls and open streams answer UNAVAILABLE with DATABASE_UNAVAILABLE while it is
/// away instead of hanging, calls succeed again from the first one once it is back, the workers resume by themselves,
/// and no acknowledged event is lost. The times to the first UNAVAILABLE and the first success are printed
/// (docs/benchmarks/outage.md).
/// </summary>
public sealed class PostgreSqlOutageTests(PostgreSqlTestDatabase database)
    : IntegrationTest<PostgreSqlTestDatabase>(database)
{
    private TcpOutageProxy? _proxy;

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["ConnectionStrings:CustomerHealth"] = new NpgsqlConnectionStringBuilder(Database.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = _proxy!.Port,
        }.ToString(),
        ["Database:MaxWaitSeconds"] = "5",
    };

    public override async ValueTask InitializeAsync()
    {
        if (Database.SkipReason is null)
        {
            var target = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
            _proxy = new TcpOutageProxy(target.Host!, target.Port);
        }
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_proxy is not null) await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task CallsAnswerUnavailableWhileTheDatabaseIsAwayAndSucceedOnceItReturns()
    {
        var calls = new OutageCalls(Service.Channel, Ct);
        await calls.Write();
        await calls.Ingest();
        var stopLoad = false;
        var load = new[]
        {
            calls.Repeat(calls.Read, () => stopLoad),
            calls.Repeat(() => calls.Write(), () => stopLoad),
            calls.Repeat(calls.Ingest, () => stopLoad),
            calls.Repeat(() => calls.Stream(), () => stopLoad),
        };
        await OutageCalls.Until(() => Task.FromResult(calls.Acknowledged.Count >= 20), "acknowledged events");
        using var watch = new HealthService.HealthServiceClient(Service.Channel)
            .WatchHealthChanges(new WatchHealthChangesRequest(), cancellationToken: Ct);
        var watching = FailsWith(StatusCode.Unavailable, async () =>
        {
            while (await watch.ResponseStream.MoveNext(Ct))
            {
            }
        });

        _proxy!.Cut();
        var cut = Stopwatch.StartNew();
        var read = await FailsWith(StatusCode.Unavailable, calls.Read);
        var firstUnavailable = cut.Elapsed;
        OutageCalls.IsDatabaseUnavailable(read);
        OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, () => calls.Write()));
        OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, calls.Ingest));
        OutageCalls.IsDatabaseUnavailable(await FailsWith(StatusCode.Unavailable, () => calls.Stream(batches: 1)));
        OutageCalls.IsDatabaseUnavailable(await watching);
        stopLoad = true;
        await Task.WhenAll(load);

        _proxy.Restore();
        var back = Stopwatch.StartNew();
        await calls.Read();
        var firstSuccess = back.Elapsed;
        await calls.Write();
        await calls.Ingest();
        await calls.Stream(batches: 3);
        TestContext.Current.SendDiagnosticMessage(
            "PostgreSQL outage: first UNAVAILABLE {0:N0} ms after the cut, first success {1:N0} ms after the return.",
            firstUnavailable.TotalMilliseconds, firstSuccess.TotalMilliseconds);

        Assert.All(calls.Failures, code => Assert.Equal(StatusCode.Unavailable, code));
        var stored = await Service.InDatabaseAsync(db =>
            db.UsageEvents.Where(e => e.AccountId == OutageCalls.Account).Select(e => e.EventId).ToListAsync(Ct));
        Assert.Subset(stored.ToHashSet(), calls.Acknowledged.ToHashSet());
        await WorkersResume(calls);
    }

    /// <summary>An account written after the outage gets a score from the health worker, which backed off.</summary>
    private async Task WorkersResume(OutageCalls calls)
    {
        await calls.Write("after-outage");
        await OutageCalls.Until(
            () => Service.InDatabaseAsync(db => db.HealthScores.AnyAsync(s => s.AccountId == "after-outage", Ct)),
            "the health worker's score of an account written after the outage");
    }
}
