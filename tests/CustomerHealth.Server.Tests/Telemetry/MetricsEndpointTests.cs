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
/// The built server run as its own process, as an operator runs it, with its scrape port: one host per process, so its
/// meters are the only ones a scrape reads (test servers hosted in this process would each listen to every
/// <c>CustomerHealth</c> meter of the process, and one going away drops the instruments the others share).
/// </summary>
public sealed class MeteredServer : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("metered-server-").FullName;
    private ServerProcess? _process;

    public int MetricsPort { get; } = ServerProcess.FreePort();
    public Uri Grpc { get; } = new($"http://127.0.0.1:{ServerProcess.FreePort()}");
    public Uri Metrics => new($"http://127.0.0.1:{MetricsPort}/metrics");
    public GrpcChannel Channel { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _process = await ServerProcess.StartAsync(_data, $"--Kestrel:Endpoints:Grpc:Url={Grpc}",
            $"--Kestrel:Endpoints:Metrics:Url=http://127.0.0.1:{MetricsPort}",
            "--Kestrel:Endpoints:Metrics:Protocols=Http1",
            $"--Telemetry:PrometheusPort={MetricsPort}", $"--DataDirectory={_data}");
        var token = (await File.ReadAllTextAsync(Path.Combine(_data, "dev-auth", "token"))).Trim();
        Channel = GrpcChannel.ForAddress(Grpc, new GrpcChannelOptions
        {
            Credentials = ServiceUnderTest.WithBearer(token),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_process is not null) await _process.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>
/// The Prometheus scrape endpoint: on its own port, without credentials, nothing but <c>/metrics</c> there, and the
/// service's own meters moving by exactly what the calls did.
/// </summary>
public sealed partial class MetricsEndpointTests(MeteredServer server) : IClassFixture<MeteredServer>, IDisposable
{
    private readonly HttpClient _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheServicesOwnMetersMoveAsCallsComeIn()
    {
        await new AccountService.AccountServiceClient(server.Channel)
            .UpsertAccountAsync(new() { Account = Build.Account("metered") }, cancellationToken: Ct);
        var engagement = new EngagementService.EngagementServiceClient(server.Channel);
        var health = new HealthService.HealthServiceClient(server.Channel);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        var before = await ScrapeAsync();

        await engagement.IngestEventsAsync(Batch(Event("m1", "metered", at: at), Event("m2", "metered", at: at),
            Event("m3", "nobody", at: at)), cancellationToken: Ct);
        var scored = await Record.ExceptionAsync(async () =>
            await health.GetHealthScoreAsync(new() { AccountId = "metered" }, cancellationToken: Ct));
        var after = await ScrapeUntilAsync(text => Value(text, "customerhealth_ingestion_events_total", "accepted")
            >= Value(before, "customerhealth_ingestion_events_total", "accepted") + 2);

        Assert.Equal(Value(before, "customerhealth_ingestion_events_total", "accepted") + 2,
            Value(after, "customerhealth_ingestion_events_total", "accepted"));
        Assert.Equal(Value(before, "customerhealth_ingestion_events_total", "rejected", "unknown_account") + 1,
            Value(after, "customerhealth_ingestion_events_total", "rejected", "unknown_account"));
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
    public async Task AnAuditedChangeCountsOneAuditEventForItsRpcAndARefusedOneNone()
    {
        var accounts = new AccountService.AccountServiceClient(server.Channel);
        await accounts.UpsertAccountAsync(new() { Account = Build.Account("audited") }, cancellationToken: Ct);
        const string Rpc = "customerhealth.v1.AccountService/DeleteAccount";
        var before = Audited(await ScrapeAsync(), Rpc);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await accounts.DeleteAccountAsync(new() { AccountId = "nobody-here" }, cancellationToken: Ct));
        await accounts.DeleteAccountAsync(new() { AccountId = "audited" }, cancellationToken: Ct);
        var after = Audited(await ScrapeUntilAsync(text => Audited(text, Rpc) > before), Rpc);

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Equal(before + 1, after);
    }

    private static double Audited(string scrape, string rpc) =>
        Sum(scrape, "customerhealth_audit_events_total",
            labels => labels.Contains($"rpc=\"{rpc}\"", StringComparison.Ordinal));

    [Fact]
    public async Task TheMetricsPortServesNothingButMetricsAndMetricsAreServedNowhereElse()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.MetricsPort}");
        var onMetricsPort = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AccountService.AccountServiceClient(channel).ListAccountsAsync(new(),
                new Metadata { { "Authorization", "Bearer " + TestCredentials.AllScopes } }, cancellationToken: Ct));
        using var root = await _http.GetAsync(new Uri($"http://127.0.0.1:{server.MetricsPort}/"), Ct);
        using var elsewhere = await _http.GetAsync(new Uri(server.Grpc, "/metrics"), Ct);

        Assert.NotEqual(StatusCode.OK, onMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http.GetAsync(server.Metrics, Ct);
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

    public void Dispose() => _http.Dispose();
}
