using System.Globalization;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Telemetry;

/// <summary>
/// Logs, traces and metrics (<c>Telemetry:*</c>). OTLP export follows OpenTelemetry's own settings
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, ...): with an
/// endpoint, traces, metrics and logs go there.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>
    /// Console log lines: <c>text</c> (for a person at a terminal; a line logged inside a call or a piece of background
    /// work is followed by its trace and span ids) or <c>json</c> (one object per line, with the trace ids among the
    /// scopes: for log collectors).
    /// </summary>
    public string LogFormat { get; set; } = Text;

    /// <summary>
    /// The port of a Kestrel endpoint of its own (e.g. <c>Kestrel:Endpoints:Metrics:Url</c> =
    /// <c>http://0.0.0.0:9464</c>) that serves the Prometheus scrape endpoint <c>/metrics</c>, without credentials, and
    /// nothing else. None: no scrape endpoint.
    /// </summary>
    public int? PrometheusPort { get; set; }
}

/// <summary>The rules of <see cref="TelemetryOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class TelemetryOptionsValidator(IConfiguration configuration) : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.LogFormat is not (TelemetryOptions.Text or TelemetryOptions.Json))
        {
            var formats = $"{TelemetryOptions.Text} or {TelemetryOptions.Json}";
            result.AddError($"{Key(nameof(options.LogFormat))} must be {formats}");
        }
        if (options.PrometheusPort is { } port)
        {
            if (port is < 1 or > 65_535)
                result.AddError($"{Key(nameof(options.PrometheusPort))} must be from 1 to 65535");
            else if (configuration.GetValue<int?>(Security.SecurityRegistration.ProbePortKey) == port)
                result.AddError($"{Key(nameof(options.PrometheusPort))} must differ from Probes:Port");
        }
        return result.Build();
    }

    private static string Key(string property) =>
        string.Create(CultureInfo.InvariantCulture, $"{TelemetryOptions.Section}:{property}");
}
