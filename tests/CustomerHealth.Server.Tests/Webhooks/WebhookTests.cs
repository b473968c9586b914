using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerHealth.Server.Tests.Health;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using DomainWebhooks = CustomerHealth.Domain.Webhooks;
using Stored = CustomerHealth.Infrastructure.Webhooks;

namespace CustomerHealth.Server.Tests.Webhooks;

public sealed class WebhooksOnSqlite(SqliteTestDatabase database) : WebhookTests<SqliteTestDatabase>(database);

public sealed class WebhooksOnPostgreSql(PostgreSqlTestDatabase database)
    : WebhookTests<PostgreSqlTestDatabase>(database);

public sealed class WebhooksOnSqlServer(SqlServerTestDatabase database) : WebhookTests<SqlServerTestDatabase>(database);

/// <summary>
/// Signed outbound webhooks through real calls: a real HTTP receiver on a loopback port gets band changes signed with
/// the subscription's secret; failures are retried (the test clock makes each retry due), then dead-lettered, and
/// re-delivered on request. Each test has its own receiver and subscription, and looks only at its own events.
/// </summary>
public abstract class WebhookTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Secret = "whsec-test-0123456789abcdef";

    private WebhookService.WebhookServiceClient Webhooks => new(Service.Channel);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Webhooks:DispatchInterval"] = "00:00:00.100",
        ["Webhooks:MaxAttempts"] = "3",
        ["Webhooks:FirstRetryDelay"] = "00:01:00",
        ["Webhooks:MaxRetryDelay"] = "00:01:00",
    };

    private async Task<WebhookSubscription> Subscribe(WebhookReceiver receiver, string secret = Secret) =>
        (await Webhooks.CreateWebhookSubscriptionAsync(new()
        {
            Url = receiver.Url.ToString(), Secret = secret, EventTypes = { "health.band_changed" },
            Description = "CRM write-back",
        }, cancellationToken: Ct)).Subscription;

    [Fact]
    public async Task ABandChangeReachesAReceiverSignedWithTheSubscriptionsSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Subscribe(receiver);
        await GivenCustomer("wh-band", CsTier.TechTouch, seats: 3, owner: "csm.webhooks@example.com");
        Assert.Equal(HealthBand.Critical, (await Eventually("wh-band", s => s.Band == HealthBand.Critical)).Band);

        await GivenDailyLogins("wh-band", 30, "ann", "bob", "cy"); // critical -> healthy
        var received = await ReceivedFor(receiver, r => Data(r).GetProperty("account_id").GetString() == "wh-band"
            && Data(r).GetProperty("band").GetString() == "healthy");

        var body = Encoding.UTF8.GetString(received.Body);
        Assert.True(SignedCorrectly(received, Secret), $"Bad signature {received.Headers["CustomerHealth-Signature"]}");
        Assert.False(SignedCorrectly(received, "another-secret-of-16+"));
        var timestamp = received.Headers["CustomerHealth-Signature"].Split(',')[0];
        Assert.Equal($"t={Clock.GetUtcNow().ToUnixTimeSeconds()}", timestamp);
        Assert.StartsWith("application/json", received.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("health.band_changed", received.Headers["CustomerHealth-Event-Type"]);
        Assert.Equal("1", received.Headers["CustomerHealth-Delivery-Attempt"]);

        using var json = JsonDocument.Parse(body);
        Assert.Equal(received.Headers["CustomerHealth-Event-Id"], json.RootElement.GetProperty("id").GetString());
        Assert.Equal("health.band_changed", json.RootElement.GetProperty("type").GetString());
        var data = json.RootElement.GetProperty("data");
        Assert.Equal("critical", data.GetProperty("previous_band").GetString());
        Assert.Equal("healthy", data.GetProperty("band").GetString());
        Assert.Equal("tech_touch", data.GetProperty("tier").GetString());
        Assert.Equal("csm.webhooks@example.com", data.GetProperty("owner").GetString());
        Assert.True(data.GetProperty("score").GetDouble() > data.GetProperty("previous_score").GetDouble());

        // The service's own verifier agrees, and refuses a changed body or a replay outside the window.
        var header = received.Headers["CustomerHealth-Signature"];
        var window = DomainWebhooks.WebhookSignature.RecommendedTolerance;
        var now = Clock.GetUtcNow();
        Assert.True(DomainWebhooks.WebhookSignature.Verify(Secret, header, received.Body, now, window));
        byte[] changed = [.. received.Body, (byte)' '];
        Assert.False(DomainWebhooks.WebhookSignature.Verify(Secret, header, changed, now, window));
        Assert.False(DomainWebhooks.WebhookSignature.Verify(Secret, header, received.Body, now.AddMinutes(6), window));

        // Only band changes make band events: never the first score (the account may have been scored `unknown` before
        // its contract came, and changed band to critical then).
        var events = await Service.InDatabaseAsync(db => db.WebhookEvents.AsNoTracking()
            .Where(e => e.Type == "health.band_changed" && e.Body.Contains("\"account_id\":\"wh-band\""))
            .Select(e => e.Body).ToListAsync(Ct));
        Assert.All(events.Select(e => JsonDocument.Parse(e).RootElement.GetProperty("data")), d =>
        {
            Assert.NotEqual("unspecified", d.GetProperty("previous_band").GetString());
            Assert.NotEqual(d.GetProperty("previous_band").GetString(), d.GetProperty("band").GetString());
        });
    }

    [Fact]
    public async Task ANewPlayReachesASubscriberOfPlaysSigned()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Webhooks.CreateWebhookSubscriptionAsync(new()
        {
            Url = receiver.Url.ToString(), Secret = Secret, EventTypes = { "play.opened" },
        }, cancellationToken: Ct);

        // A high-touch customer since January without any use: critical, so a band_critical play opens by itself.
        await GivenCustomer("wh-play", CsTier.HighTouch, owner: "csm.plays@example.com");
        var received = await ReceivedFor(receiver, r => Data(r).GetProperty("account_id").GetString() == "wh-play"
            && Data(r).GetProperty("kind").GetString() == "band_critical");

        Assert.True(SignedCorrectly(received, Secret), $"Bad signature {received.Headers["CustomerHealth-Signature"]}");
        Assert.Equal("play.opened", received.Headers["CustomerHealth-Event-Type"]);
        var data = Data(received);
        var play = (await new PlayService.PlayServiceClient(Service.Channel)
            .GetPlayAsync(new() { PlayId = data.GetProperty("play_id").GetInt64() }, cancellationToken: Ct)).Play;
        Assert.Equal(("wh-play", PlayRuleKind.BandCritical), (play.AccountId, play.RuleKind));
        Assert.Equal("csm.plays@example.com", data.GetProperty("owner").GetString());
        Assert.Equal("high_touch", data.GetProperty("tier").GetString());
        Assert.NotEqual(0, data.GetProperty("drivers").GetArrayLength());
        Assert.DoesNotContain(receiver.Received, r => EventTypeOf(r) != "play.opened");
    }

    private static string? EventTypeOf(ReceivedWebhook r) =>
        r.Headers.TryGetValue("CustomerHealth-Event-Type", out var type) ? type : null;

    [Fact]
    public async Task AFailingReceiverIsRetriedThenDeadLetteredAndRedeliveredOnRequest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        var subscription = await Subscribe(receiver);
        var eventId = await Service.InDatabaseAsync(async db =>
        {
            var id = Stored.WebhookOutbox.Enqueue(db, "health.band_changed", new { account_id = "wh-retry" },
                Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(Ct);
            return id;
        });

        // Each retry is due a minute after the failure (jitter only shortens it): the test clock moves it along.
        for (var i = 0; i < 300 && Attempts(receiver, eventId).Count < 3; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(61));
            await Task.Delay(100, Ct);
        }
        Assert.Equal(["1", "2", "3"],
            Attempts(receiver, eventId).Select(r => r.Headers["CustomerHealth-Delivery-Attempt"]));
        var dead = await DeadLetters(subscription.Id, expected: 1);
        var letter = Assert.Single(dead);
        Assert.Equal(eventId, letter.EventId);
        Assert.Equal(WebhookDeliveryState.Dead, letter.State);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal(500, letter.LastStatusCode);
        Assert.Contains("wh-retry", letter.PayloadJson, StringComparison.Ordinal);

        // No fourth attempt by itself, however much time passes.
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Single(await DeadLetters(subscription.Id, expected: 1));

        receiver.Status = 200;
        var redelivered = await Webhooks.RedeliverWebhookDeliveriesAsync(
            new() { SubscriptionId = subscription.Id }, cancellationToken: Ct);
        Assert.Equal(1, redelivered.Requeued);
        var delivered = await ReceivedFor(receiver, r => r.AnsweredWith == 200 && EventIdOf(r) == eventId);
        Assert.Equal("1", delivered.Headers["CustomerHealth-Delivery-Attempt"]); // a fresh count
        Assert.True(SignedCorrectly(delivered, Secret));
        Assert.Empty(await DeadLetters(subscription.Id, expected: 0));
        // The dispatcher records the answer just after the receiver gave it: poll for it.
        var state = Stored.WebhookDeliveryState.Pending;
        for (var i = 0; i < 200 && state != Stored.WebhookDeliveryState.Delivered; i++)
        {
            if (i > 0) await Task.Delay(100, Ct);
            state = await Service.InDatabaseAsync(db => db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.Id == letter.Id).Select(d => d.State).SingleAsync(Ct));
        }
        Assert.Equal(Stored.WebhookDeliveryState.Delivered, state);
        var audit = await new AuditService.AuditServiceClient(Service.Channel).ListAuditEventsAsync(
            new() { Action = AuditAction.WebhookDeliveriesRequeued }, cancellationToken: Ct);
        Assert.Contains(audit.Events, e => e.TargetId == subscription.Id.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SubscriptionsRefuseNonHttpUrlsAndNeverEchoTheirSecret()
    {
        foreach (var url in new[] { "ftp://example.com/hooks", "file:///etc/passwd", "/relative/hooks",
                     "http://user:password@example.com/hooks", "gopher://127.0.0.1:70/" })
        {
            await RejectsField("url", () => Webhooks.CreateWebhookSubscriptionAsync(new()
            {
                Url = url, Secret = Secret, EventTypes = { "health.band_changed" },
            }, cancellationToken: Ct).ResponseAsync);
        }
        const string shortSecret = "too-short";
        var rejected = await RejectsField("secret", () => Webhooks.CreateWebhookSubscriptionAsync(new()
        {
            Url = "https://crm.example.com/hooks", Secret = shortSecret, EventTypes = { "health.band_changed" },
        }, cancellationToken: Ct).ResponseAsync);
        Assert.DoesNotContain(shortSecret, rejected.ToString(), StringComparison.Ordinal);
        await RejectsField("event_types", () => Webhooks.CreateWebhookSubscriptionAsync(new()
        {
            Url = "https://crm.example.com/hooks", Secret = Secret, EventTypes = { "account.deleted" },
        }, cancellationToken: Ct).ResponseAsync);

        var created = (await Webhooks.CreateWebhookSubscriptionAsync(new()
        {
            Url = "https://crm.example.com/hooks?tenant=7", Secret = Secret, EventTypes = { "health.band_changed" },
        }, cancellationToken: Ct)).Subscription;
        var updated = (await Webhooks.UpdateWebhookSubscriptionAsync(new()
        {
            Id = created.Id, Url = "https://chat.example.com/hooks", EventTypes = { "health.band_changed" },
            Paused = true, Description = "paused while the CRM moves",
        }, cancellationToken: Ct)).Subscription;
        Assert.Equal("https://chat.example.com/hooks", updated.Url);
        Assert.True(updated.Paused);
        var stored = await Service.InDatabaseAsync(db => db.WebhookSubscriptions.AsNoTracking()
            .SingleAsync(s => s.Id == created.Id, Ct));
        Assert.Equal(Secret, stored.Secret); // an update without a secret keeps it

        var listed = await Webhooks.ListWebhookSubscriptionsAsync(new() { PageSize = 1000 }, cancellationToken: Ct);
        var got = await Webhooks.GetWebhookSubscriptionAsync(new() { Id = created.Id }, cancellationToken: Ct);
        var audit = await new AuditService.AuditServiceClient(Service.Channel).ListAuditEventsAsync(
            new() { Action = AuditAction.WebhookSubscriptionChanged, PageSize = 1000 }, cancellationToken: Ct);
        foreach (var answer in new Google.Protobuf.IMessage[] { created, updated, listed, got, audit })
            Assert.DoesNotContain(Secret, answer.ToString(), StringComparison.Ordinal);

        await Webhooks.DeleteWebhookSubscriptionAsync(new() { Id = created.Id }, cancellationToken: Ct);
        await FailsWith(StatusCode.NotFound, () => Webhooks.GetWebhookSubscriptionAsync(
            new() { Id = created.Id }, cancellationToken: Ct).ResponseAsync);
        var trail = (await new AuditService.AuditServiceClient(Service.Channel).ListAuditEventsAsync(
                new()
                {
                    TargetType = "webhook_subscription",
                    TargetId = created.Id.ToString(CultureInfo.InvariantCulture),
                },
                cancellationToken: Ct)).Events;
        Assert.Equal(["deleted", "replaced", "created"],
            trail.Select(e => JsonDocument.Parse(e.DetailsJson).RootElement.GetProperty("operation").GetString()));
    }

    /// <summary>Waits (at most about 20 s) for a request matching <paramref name="match"/>.</summary>
    private static async Task<ReceivedWebhook> ReceivedFor(WebhookReceiver receiver, Func<ReceivedWebhook, bool> match)
    {
        for (var i = 0; i < 200 && !receiver.Received.Any(match); i++) await Task.Delay(100, Ct);
        return Assert.Single(receiver.Received, r => match(r));
    }

    private static List<ReceivedWebhook> Attempts(WebhookReceiver receiver, string eventId) =>
        [.. receiver.Received.Where(r => EventIdOf(r) == eventId)];

    private static string? EventIdOf(ReceivedWebhook r) => r.Headers.GetValueOrDefault("CustomerHealth-Event-Id");

    private static JsonElement Data(ReceivedWebhook r) =>
        JsonDocument.Parse(r.Body).RootElement.GetProperty("data").Clone();

    /// <summary>The dead letters of a subscription, once there are <paramref name="expected"/> (polled: the
    /// dispatcher records the last attempt just after the receiver answers it).</summary>
    private async Task<IReadOnlyList<WebhookDelivery>> DeadLetters(long subscriptionId, int expected)
    {
        ListWebhookDeadLettersResponse page = new();
        for (var i = 0; i < 200; i++)
        {
            page = await Webhooks.ListWebhookDeadLettersAsync(new() { SubscriptionId = subscriptionId },
                cancellationToken: Ct);
            if (page.Deliveries.Count == expected) break;
            await Task.Delay(100, Ct);
        }
        return page.Deliveries;
    }

    /// <summary>Verifies the signature as a receiver would, independently of the service's code: HMAC-SHA256 keyed
    /// with the secret over "timestamp.body", compared with the header's v1 value.</summary>
    private static bool SignedCorrectly(ReceivedWebhook received, string secret)
    {
        var parts = received.Headers["CustomerHealth-Signature"].Split(',')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(received.Body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes(parts["v1"]));
    }
}
