using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>A span as an OTLP exporter sent it: ids in hex, name, scope (ActivitySource), attributes as text.</summary>
public sealed record ReceivedSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, string Service,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP (protobuf) collector on a loopback port, for tests: it keeps the spans posted to <c>/v1/traces</c>
/// and answers every export with success. The messages are read field by field with the protobuf wire format (the
/// numbers of opentelemetry-proto's trace messages), so no generated OTLP types are needed.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    /// <summary>The signals exported so far (traces, metrics, logs), one entry per export request.</summary>
    public ConcurrentQueue<string> Exports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // not the server's appsettings.json, which the test folder holds too
        builder.Configuration.AddInMemoryCollection([new("urls", "http://127.0.0.1:0")]);
        builder.Logging.ClearProviders();
        var receiver = new OtlpReceiver(builder.Build());
        receiver._app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            receiver.Exports.Enqueue(signal);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (signal == "traces") foreach (var span in Decode(body.ToArray())) receiver._spans.Enqueue(span);
            return Results.Bytes([], "application/x-protobuf");
        });
        await receiver._app.StartAsync();
        var addresses = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        receiver.Address = new Uri(addresses.Addresses.First());
        return receiver;
    }

    /// <summary>Waits until a span matches <paramref name="match"/> (at most ten seconds); returns the spans.</summary>
    public async Task<IReadOnlyCollection<ReceivedSpan>> WaitForAsync(Func<ReceivedSpan, bool> match)
    {
        for (var i = 0; i < 100 && !_spans.Any(match); i++)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        return [.. _spans];
    }

    /// <summary>ExportTraceServiceRequest → ResourceSpans (1) → ScopeSpans (2) → Span (2).</summary>
    private static IEnumerable<ReceivedSpan> Decode(byte[] request) =>
        from resourceSpans in Fields(request, 1)
        let service = Fields(resourceSpans, 1).SelectMany(r => Attributes(r, 1))
            .FirstOrDefault(a => a.Key == "service.name").Value
        from scopeSpans in Fields(resourceSpans, 2)
        let scope = Fields(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? ""
        from span in Fields(scopeSpans, 2)
        select new ReceivedSpan(Hex(span, 1), Hex(span, 2), Hex(span, 4), Text(span, 5) ?? "", scope, service ?? "",
            Attributes(span, 9).ToDictionary(a => a.Key, a => a.Value));

    /// <summary>KeyValue attributes (key 1, AnyValue 2: string 1, bool 2, int 3), as text.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Attributes(byte[] message, int field) =>
        from pair in Fields(message, field)
        let value = Fields(pair, 2).FirstOrDefault()
        where value is not null
        select new KeyValuePair<string, string>(
            Text(pair, 1) ?? "", Text(value, 1) ?? Varint(value, 3)?.ToString() ?? "");

    private static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var input = new CodedInputStream(message);
        var found = new List<byte[]>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number
                && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                found.Add(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();
        }
        return found;
    }

    private static long? Varint(byte[] message, int number)
    {
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number
                && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                return input.ReadInt64();
            input.SkipLastField();
        }
        return null;
    }

    private static string? Text(byte[] message, int number) =>
        Fields(message, number).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault();

    private static string Hex(byte[] message, int number) =>
        Fields(message, number).Select(Convert.ToHexStringLower).FirstOrDefault() ?? "";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
