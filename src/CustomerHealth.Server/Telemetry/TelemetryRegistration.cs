using System.Diagnostics;
using CustomerHealth.Infrastructure.Telemetry;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Security;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CustomerHealth.Server.Telemetry;

/// <summary>
/// Console logs, OpenTelemetry traces and metrics, OTLP export when an endpoint is configured, and the Prometheus
/// scrape endpoint on a port of its own (docs/operations.md, ADR 0047).
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>The standard OpenTelemetry setting whose presence turns OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string DefaultServiceName = "customer-health";

    /// <summary>The meters of ASP.NET Core, Kestrel, the .NET runtime and Npgsql's connection pools.</summary>
    private static readonly string[] BuiltInMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "Npgsql"];

    public static WebApplicationBuilder AddCustomerHealthTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        AddConsoleLogs(builder, options, otlp);

        var version = typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString(3);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? DefaultServiceName,
                serviceVersion: version))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new CallsAndWorkSampler()))
                .AddSource(ServiceActivities.SourceName, "Npgsql")
                .AddAspNetCoreInstrumentation(o => o.Filter = IsTraced)
                .AddSqlClientInstrumentation())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceMetrics.MeterName).AddAspNetCoreInstrumentation().AddMeter(BuiltInMeters);
                if (options.PrometheusPort is not null) metrics.AddPrometheusExporter();
            });
        if (otlp) telemetry.UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// With <c>Telemetry:PrometheusPort</c>: <c>/metrics</c> on that port, answered before authentication, and nothing
    /// else there (every other request on it is 404, so gRPC is never served on it); <c>/metrics</c> is not served on
    /// other ports.
    /// </summary>
    public static WebApplication UseCustomerHealthTelemetry(this WebApplication app)
    {
        var options = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>();
        if (options?.PrometheusPort is not { } port) return app;
        RequireAnEndpointOn(port, app.Configuration);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            context => context.Connection.LocalPort == port && context.Request.Path == "/metrics");
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    private static void AddConsoleLogs(WebApplicationBuilder builder, TelemetryOptions options, bool otlp)
    {
        if (options.LogFormat == TelemetryOptions.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        }
        if (otlp) builder.Logging.AddOpenTelemetry(o => (o.IncludeFormattedMessage, o.IncludeScopes) = (true, true));
    }

    /// <summary>Probes and scrapes are not traced: they come every few seconds and say nothing about callers.</summary>
    private static bool IsTraced(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health")
        && !context.Request.Path.StartsWithSegments("/metrics");

    private static void RequireAnEndpointOn(int port, IConfiguration configuration)
    {
        static bool On(string url, int port) =>
            Uri.TryCreate(url.Replace("*", "any", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && uri.Port == port;
        if (ListenAddresses.From(configuration).Any(url => On(url, port))) return;
        throw new InvalidOperationException(
            $"Telemetry:PrometheusPort is {port}, but no Kestrel endpoint listens on it: add one, e.g. "
            + $"Kestrel:Endpoints:Metrics:Url=http://0.0.0.0:{port} (docs/operations.md#metrics).");
    }

    /// <summary>
    /// Samples every call and every piece of work (and what runs inside them), but not a database command that runs
    /// outside both (a lease renewal, a worker's polling query): those would each be a trace of its own, each second.
    /// </summary>
    private sealed class CallsAndWorkSampler : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            new(samplingParameters.Kind == ActivityKind.Client
                ? SamplingDecision.Drop
                : SamplingDecision.RecordAndSample);
    }
}
