using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Grpc.Net.Client;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Telemetry;

/// <summary>
/// The Prometheus scrape endpoint: on its own port, without credentials, nothing but <c>/metrics</c> there, and the
/// service's own meters moving as calls come in.
/// </summary>
public sealed partial class MetricsEndpointTests(SqliteTestDatabase database)
    : IntegrationTest<SqliteTestDatabase>(database)
{
    private static readonly int MetricsPort = ServerProcess.FreePort();
    private ServiceUnderTest? _server;
    private Uri _grpc = null!;
    private readonly HttpClient _http = new();

    private static Dictionary<string, string> KestrelSettings => new()
    {
        ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
        ["Kestrel:Endpoints:Metrics:Url"] = $"http://127.0.0.1:{MetricsPort}",
        ["Kestrel:Endpoints:Metrics:Protocols"] = "Http1",
        ["Telemetry:PrometheusPort"] = MetricsPort.ToString(CultureInfo.InvariantCulture),
    };

    private Uri Metrics => new($"http://127.0.0.1:{MetricsPort}/metrics");

    /// <summary>A server on real sockets (the scrape port is a Kestrel endpoint), not the in-memory one.</summary>
    public override ValueTask InitializeAsync()
    {
        _server = new ServiceUnderTest(Database, new ManualClock(DefaultNow), settings: KestrelSettings);
        _grpc = _server.StartOnKestrel();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TheServicesOwnMetersMoveAsCallsComeIn()
    {
        using var channel = GrpcChannel.ForAddress(_grpc, new GrpcChannelOptions
        {
            Credentials = ServiceUnderTest.WithBearer(TestCredentials.AllScopes),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        await new AccountService.AccountServiceClient(channel)
            .UpsertAccountAsync(new() { Account = Build.Account("metered") }, cancellationToken: Ct);
        var engagement = new EngagementService.EngagementServiceClient(channel);
        var health = new HealthService.HealthServiceClient(channel);
        // The scrape sums the meters of every test server alive in this process (OpenTelemetry listens by meter
        // name), so another class's server going away can lower a sum between two scrapes: measure again then.
        string before = "", after = "";
        Exception? scored = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            before = await ScrapeAsync();
            var batch = Batch(Event($"m1-{attempt}", "metered"), Event($"m2-{attempt}", "metered"),
                Event($"m3-{attempt}", "nobody"));
            await engagement.IngestEventsAsync(batch, cancellationToken: Ct);
            scored = await Record.ExceptionAsync(async () =>
                await health.GetHealthScoreAsync(new() { AccountId = "metered" }, cancellationToken: Ct));
            var baseline = before;
            after = await ScrapeUntilAsync(text => Value(text, "customerhealth_ingestion_events_total", "accepted") >=
                Value(baseline, "customerhealth_ingestion_events_total", "accepted") + 2);
            if (Value(after, "customerhealth_ingestion_events_total", "accepted") >=
                Value(before, "customerhealth_ingestion_events_total", "accepted") + 2) break;
        }

        Assert.True(Value(after, "customerhealth_ingestion_events_total", "accepted") >=
            Value(before, "customerhealth_ingestion_events_total", "accepted") + 2);
        Assert.True(Value(after, "customerhealth_ingestion_events_total", "rejected", "unknown_account") >=
            Value(before, "customerhealth_ingestion_events_total", "rejected", "unknown_account") + 1);
        // The read only has to reach the read cache: an account without data may be unknown to the scorer, and SQLite
        // may be write-locked by the ingestion a moment before (UNAVAILABLE after the wait bound).
        Assert.True(scored is null or RpcException { StatusCode: StatusCode.NotFound or StatusCode.Unavailable },
            $"GetHealthScore: {scored}");
        Assert.True(Sum(after, "customerhealth_health_read_cache_lookups_total") >
            Sum(before, "customerhealth_health_read_cache_lookups_total"));
        Assert.Contains("customerhealth_ingestion_commit_duration_seconds_bucket", after, StringComparison.Ordinal);
        Assert.Contains("customerhealth_ingestion_queue_depth", after, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", after, StringComparison.Ordinal);
        Assert.Contains("kestrel_", after, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuditedChangeCountsAnAuditEventForItsRpc()
    {
        using var channel = GrpcChannel.ForAddress(_grpc, new GrpcChannelOptions
        {
            Credentials = ServiceUnderTest.WithBearer(TestCredentials.AllScopes),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var accounts = new AccountService.AccountServiceClient(channel);
        await accounts.UpsertAccountAsync(new() { Account = Build.Account("audited") }, cancellationToken: Ct);
        const string Rpc = "customerhealth.v1.AccountService/DeleteAccount";
        await Assert.ThrowsAsync<RpcException>(async () =>
            await accounts.DeleteAccountAsync(new() { AccountId = "nobody-here" }, cancellationToken: Ct));
        // Other classes' servers delete accounts too, and their meters add to this scrape (see above): at least one.
        var before = Audited(await ScrapeAsync(), Rpc);
        await accounts.DeleteAccountAsync(new() { AccountId = "audited" }, cancellationToken: Ct);
        var after = Audited(await ScrapeUntilAsync(text => Audited(text, Rpc) > before), Rpc);

        Assert.True(after >= before + 1, $"audit events of {Rpc}: {before} before, {after} after");
    }

    private static double Audited(string scrape, string rpc) =>
        Sum(scrape, "customerhealth_audit_events_total",
            labels => labels.Contains($"rpc=\"{rpc}\"", StringComparison.Ordinal));

    [Fact]
    public async Task TheMetricsPortServesNothingButMetricsAndMetricsAreServedNowhereElse()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{MetricsPort}");
        var onMetricsPort = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AccountService.AccountServiceClient(channel).ListAccountsAsync(new(),
                new Metadata { { "Authorization", "Bearer " + TestCredentials.AllScopes } }, cancellationToken: Ct));
        using var root = await _http.GetAsync(new Uri($"http://127.0.0.1:{MetricsPort}/"), Ct);
        using var elsewhere = await _http.GetAsync(new Uri(_grpc, "/metrics"), Ct);

        Assert.NotEqual(StatusCode.OK, onMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http.GetAsync(Metrics, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> done)
    {
        var text = await ScrapeAsync();
        for (var i = 0; i < 50 && !done(text); i++)
        {
            await Task.Delay(100, Ct);
            text = await ScrapeAsync();
        }
        return text;
    }

    /// <summary>The sum of a counter's samples with the given outcome (and reason), 0 when there is none.</summary>
    private static double Value(string scrape, string name, string outcome, string? reason = null) =>
        Sum(scrape, name, labels => labels.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal)
            && (reason is null || labels.Contains($"reason=\"{reason}\"", StringComparison.Ordinal)));

    private static double Sum(string scrape, string name, Func<string, bool>? labels = null) =>
        Sample().Matches(scrape)
            .Where(m => m.Groups["name"].Value == name && (labels is null || labels(m.Groups["labels"].Value)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.e+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    public override async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
