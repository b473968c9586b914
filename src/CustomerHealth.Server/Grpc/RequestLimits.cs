using CustomerHealth.Domain.Common;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Metrics;
using CustomerHealth.Server.Onboarding;
using CustomerHealth.Server.Renewals;
using Google.Protobuf;

namespace CustomerHealth.Server.Grpc;

/// <summary>What a <see cref="FieldLimit"/> bounds.</summary>
public enum LimitKind
{
    /// <summary>The characters of a string (a map's keys or values with <c>{key}</c> or <c>{value}</c>).</summary>
    Length,

    /// <summary>The elements of a repeated or map field.</summary>
    Count,

    /// <summary>Read from requests but not used (output-only parts of a resource sent back): nothing to
    /// bound.</summary>
    Ignored,
}

/// <summary>
/// One bound on a caller-controlled field: the request message (its proto full name), the field's path in it as field
/// violations name it (<c>contract.arr.currency_code</c>; <c>[]</c> for the elements of a repeated field, <c>{key}</c>
/// and <c>{value}</c> for a map's), what is bounded and the largest value allowed. One more is
/// <c>INVALID_ARGUMENT</c>, or, where <see cref="PerItem"/>, a rejection of that item in the answer (events of a
/// batch).
/// </summary>
public sealed record FieldLimit(string Message, string Field, LimitKind Kind, int Maximum, bool PerItem = false)
{
    public static FieldLimit Length<TMessage>(string field, int maximum, bool perItem = false)
        where TMessage : IMessage, new() =>
        new(new TMessage().Descriptor.FullName, field, LimitKind.Length, maximum, perItem);

    public static FieldLimit Count<TMessage>(string field, int maximum, bool perItem = false)
        where TMessage : IMessage, new() =>
        new(new TMessage().Descriptor.FullName, field, LimitKind.Count, maximum, perItem);

    public static FieldLimit Ignored<TMessage>(string field) where TMessage : IMessage, new() =>
        new(new TMessage().Descriptor.FullName, field, LimitKind.Ignored, 0);
}

/// <summary>
/// Every bound a caller controls, in one table: each slice's <c>Limits.Fields</c> (the same constants its validation
/// checks), plus the bounds every request shares. A test proves that every string, repeated and map field of every
/// request has an entry, so a new field cannot go unbounded; the fuzz suite derives maximum + 1 from here.
/// See docs/limits.md.
/// </summary>
public static class RequestLimits
{
    /// <summary>The largest request message the server reads (grpc-dotnet's default); larger is
    /// RESOURCE_EXHAUSTED.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>Every <c>google.type.Date</c> a request names lies in this window (<see cref="DateWindow"/>).</summary>
    public static (DateOnly First, DateOnly Last) Dates => (DateWindow.FirstDay, DateWindow.LastDay);

    /// <summary>Every <c>google.protobuf.Timestamp</c> a request names lies in this window.</summary>
    public static (DateTime First, DateTime Last) Instants => (DateWindow.FirstInstant, DateWindow.LastInstant);

    /// <summary>The field limits of every slice.</summary>
    public static IReadOnlyList<FieldLimit> Fields { get; } =
    [
        .. AccountRequests.Limits.Fields,
        .. AccountRequests.Limits.BatchFields,
        .. AccountRequests.Limits.StakeholderFields,
        .. EventRequests.Limits.Fields,
        .. SignalRequests.Limits.Fields,
        .. HealthRequests.Limits.Fields,
        .. MetricsRequests.Limits.Fields,
        .. ExpansionRequests.Limits.Fields,
        .. OnboardingRequests.Limits.Fields,
        .. RenewalRequests.Limits.Fields,
        .. Audit.AuditRequests.Limits.Fields,
        .. Currency.CurrencyRequests.Limits.Fields,
        .. Webhooks.WebhookRequests.Limits.Fields,
        .. Plays.PlayRequests.Limits.Fields,
    ];

    /// <summary>The limit of <paramref name="field"/> in the request message <paramref name="message"/>, if
    /// any.</summary>
    public static FieldLimit? Find(string message, string field) =>
        Fields.FirstOrDefault(l => l.Message == message && l.Field == field);
}
