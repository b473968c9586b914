using CustomerHealth.Domain.Plays;
using CustomerHealth.Domain.Webhooks;
using CustomerHealth.Infrastructure.Webhooks;

namespace CustomerHealth.Infrastructure.Plays;

/// <summary>
/// The <c>data</c> of a <c>play.opened</c> webhook event (docs/webhooks.md#playopened): the play, its account and
/// owner, the rule that fired with its priority, channel and due day, and the drivers that made it fire.
/// </summary>
public sealed record PlayOpenedData(
    long PlayId, string AccountId, string? Owner, string Tier, string Kind, string Priority, string Channel,
    DateOnly DueDate, DateTime OpenedAt, IReadOnlyList<PlayDriver> Drivers);

/// <summary>The <c>play.opened</c> webhook event of each play the evaluation opened, written in the evaluation's own
/// transaction (the outbox: docs/adr/0070-webhook-outbox-in-the-changing-transaction.md).</summary>
internal static class PlayWebhooks
{
    public static WebhookEventRow[] Events(IEnumerable<(Play Play, PlayChangeKind Kind)> changes, DateTime nowUtc) =>
        changes.Where(c => c.Kind == PlayChangeKind.Opened).Select(c =>
        {
            var play = c.Play;
            var data = new PlayOpenedData(play.Id, play.AccountId, play.Owner, WebhookOutbox.Name(play.Tier),
                WebhookOutbox.Name(play.Kind), WebhookOutbox.Name(play.Priority), WebhookOutbox.Name(play.Channel),
                play.DueDate,
                DateTime.SpecifyKind(play.OpenedAt, DateTimeKind.Utc), play.Drivers);
            return WebhookOutbox.Event(WebhookEventTypes.PlayOpened, data, nowUtc);
        }).ToArray();
}
