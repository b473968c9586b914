using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CustomerHealth.Server.Tests.Infrastructure;

/// <summary>A request as the receiver got it: its headers (first value each) and the raw body bytes.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredWith);

/// <summary>
/// A webhook receiver on a real Kestrel socket on a loopback port, for tests: it keeps every POST to <c>/hooks</c>
/// and answers with <see cref="Status"/> (200 unless a test makes it fail).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to subscribe.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The HTTP status the next requests are answered with.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear(); // not the server's appsettings.json, which the test folder holds too
        builder.Configuration.AddInMemoryCollection([new("urls", "http://127.0.0.1:0")]);
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var status = receiver.Status;
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(),
                StringComparer.OrdinalIgnoreCase);
            receiver._received.Enqueue(new ReceivedWebhook(headers, body.ToArray(), status));
            return Results.StatusCode(status);
        });
        await receiver._app.StartAsync();
        var addresses = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        receiver.Url = new Uri(new Uri(addresses.Addresses.First()), "/hooks");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
