using CustomerHealth.Fuzz;
using CustomerHealth.Server.Tests.Infrastructure;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Fuzzing;

/// <summary>
/// The short, seeded run of the fuzz suite (tests/CustomerHealth.Fuzz) against the real server over real gRPC: every
/// RPC of the contract gets valid-looking, boundary, chaotic and undecodable requests and identical concurrent
/// writes, then boundary requests one at a time with the database's checksum around each. No call may end UNKNOWN or
/// INTERNAL, no answer may pass 4 MB, a rejected call may change nothing, and the server still serves afterwards.
/// Deadlines are generous and nothing is timed. The long run is a command: docs/benchmarks/fuzz.md.
/// </summary>
public abstract class FuzzSuiteTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    public const int Seed = 17;
    private const long MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>Cases per RPC in the concurrent phase.</summary>
    protected abstract int Rounds { get; }

    /// <summary>Cases per RPC in the one-at-a-time phase (each with two checksums).</summary>
    protected abstract int CheckedRounds { get; }

    [Fact]
    public async Task EveryRpcAnswersFuzzedRequestsWithADeliberateStatusAndRejectionsWriteNothing()
    {
        using var channel = GrpcChannel.ForAddress(Service.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Service.Server.CreateHandler(),
            MaxReceiveMessageSize = 256 * 1024 * 1024, // oversized answers are measured, not refused by the client
            Credentials = ServiceUnderTest.WithBearer(TestCredentials.AllScopes),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var invoker = channel.CreateCallInvoker();
        var ids = new FuzzIds();
        var now = Clock.GetUtcNow();
        var cases = new CaseFactory(Seed, FieldLimits.FromServer, ids, now, RpcCatalogue.All);
        var caller = new RawCaller(invoker, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        var engine = new FuzzEngine(invoker, cases, caller);
        var report = new FuzzReport(MaxAnswerBytes);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await FuzzSeeding.EnsureAsync(invoker, ids, now, Ct);
        await engine.RunAsync(0, (long)Rounds * cases.Rpcs.Count, until: null, concurrency: 4, report, Ct);
        await FuzzSeeding.EnsureAsync(invoker, ids, now, Ct);
        var checksum = new DatabaseChecksum(ct => TableChecksums.ReadAsync(Service, ct));
        await engine.RunOneAtATimeAsync(1_000_000, CheckedRounds, checksum, report, Ct);
        var serving = await engine.IsServingAsync(Ct);

        var text = new StringWriter();
        await FuzzReportWriter.WriteAsync(report, clock.Elapsed, text);
        TestContext.Current.TestOutputHelper?.WriteLine(text.ToString());
        var errors = Service.Logs.Entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null)
            .Select(e => $"server log: {e.Message}\n{e.Exception}").ToList();
        errors.ForEach(e => TestContext.Current.TestOutputHelper?.WriteLine(e));

        Assert.True(serving, "the server stopped serving after the fuzz run");
        Assert.Equal(cases.Rpcs.Select(r => r.Path).Order(), report.Codes.Keys.Order());
        // The server's first errors lead the message, each as its chain of causes: a run's summary shows the first
        // lines of the message, not the output.
        var causes = Service.Logs.Entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null).Take(2)
            .Select(e => $"server log: {e.Message}: {Causes(e.Exception!)}");
        Assert.True(report.FailureCount == 0, $"{report.FailureCount} findings:\n{string.Join("\n", causes)}\n"
            + string.Join("\n", report.Failures));
    }

    private static string Causes(Exception exception)
    {
        var chain = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException) chain.Add($"{e.GetType().Name}: {e.Message}");
        return string.Join(" <- ", chain);
    }
}

public sealed class SqliteFuzzSuiteTests(SqliteTestDatabase database) : FuzzSuiteTests<SqliteTestDatabase>(database)
{
    protected override int Rounds => 20;

    protected override int CheckedRounds => 3;
}

public sealed class PostgreSqlFuzzSuiteTests(PostgreSqlTestDatabase database)
    : FuzzSuiteTests<PostgreSqlTestDatabase>(database)
{
    protected override int Rounds => 10;

    protected override int CheckedRounds => 2;
}
