using System.Diagnostics;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CustomerHealth.Server.Tests.Telemetry;

/// <summary>
/// Traces leave the server over the wire by OTLP when an endpoint is configured: a call's span continues the caller's
/// trace, and the database commands it runs are its children.
/// </summary>
public sealed class TracingTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private OtlpReceiver? _receiver;

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver!.Address.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    public override async ValueTask InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        await base.InitializeAsync();
    }

    [Fact]
    public async Task ACallsSpanAndItsDatabaseCommandsReachAnOtlpCollectorInTheCallersTrace()
    {
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        var headers = new Metadata { { "traceparent", $"00-{trace.ToHexString()}-{caller.ToHexString()}-01" } };

        await new AccountService.AccountServiceClient(Service.Channel)
            .ListAccountsAsync(new(), headers, cancellationToken: Ct);
        Service.Services.GetRequiredService<TracerProvider>().ForceFlush();
        var spans = await _receiver!.WaitForAsync(s => s.TraceId == trace.ToHexString() && s.Scope == "CustomerHealth");

        var call = Assert.Single(spans,
            s => s.TraceId == trace.ToHexString() && s.ParentSpanId == caller.ToHexString());
        Assert.Equal("customer-health", call.Service);
        Assert.Contains("customerhealth.v1.AccountService/ListAccounts", call.Name, StringComparison.Ordinal);
        var commands = spans.Where(s => s.TraceId == trace.ToHexString() && s.Scope == "CustomerHealth").ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, command => Assert.Equal(call.SpanId, command.ParentSpanId));
        Assert.All(commands, command => Assert.Equal("sqlite", command.Attributes["db.system.name"]));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_receiver is not null) await _receiver.DisposeAsync();
    }
}
