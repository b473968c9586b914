using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Google.Protobuf.Reflection;

namespace CustomerHealth.Server.Tests.Hardening;

/// <summary>
/// The limits table covers every field a caller controls the size of: each string, repeated and map field of every
/// request of every service has an entry, and every entry names a real field of its request.
/// </summary>
public sealed class RequestLimitsTests
{
    private static readonly ServiceDescriptor[] Services =
    [
        AccountService.Descriptor, EngagementService.Descriptor, HealthService.Descriptor,
        MetricsService.Descriptor, OnboardingService.Descriptor, RenewalService.Descriptor, AuditService.Descriptor,
        CurrencyService.Descriptor, WebhookService.Descriptor, PlayService.Descriptor,
    ];

    private static IEnumerable<(string Message, string Field, LimitKind Kind)> SizedFields() =>
        Services.SelectMany(s => s.Methods).Select(m => m.InputType).DistinctBy(t => t.FullName)
            .SelectMany(t => Walk(t, t, "", depth: 0));

    [Fact]
    public void EveryStringRepeatedAndMapFieldOfEveryRequestHasALimit()
    {
        var missing = SizedFields()
            .Where(f => RequestLimits.Find(f.Message, f.Field) is not { } limit
                || (limit.Kind != f.Kind && limit.Kind != LimitKind.Ignored))
            .Select(f => $"{f.Message} {f.Field} ({f.Kind})")
            .ToList();

        Assert.True(missing.Count == 0, "No limit for: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryLimitNamesARealRequestField()
    {
        var known = SizedFields().Select(f => (f.Message, f.Field)).ToHashSet();

        var unknown = RequestLimits.Fields
            .Where(l => l.Kind != LimitKind.Ignored && !known.Contains((l.Message, l.Field)))
            .Select(l => $"{l.Message} {l.Field}")
            .ToList();

        Assert.True(unknown.Count == 0, "Limits of no field: " + string.Join(", ", unknown));
        Assert.All(RequestLimits.Fields.Where(l => l.Kind != LimitKind.Ignored), l => Assert.True(l.Maximum > 0,
            l.Field));
        Assert.Equal(RequestLimits.Fields.Count, RequestLimits.Fields.DistinctBy(l => (l.Message, l.Field)).Count());
    }

    /// <summary>The sized fields of <paramref name="message"/> as paths in <paramref name="request"/>; ignored parts
    /// are not entered.</summary>
    private static IEnumerable<(string Message, string Field, LimitKind Kind)> Walk(
        MessageDescriptor request, MessageDescriptor message, string prefix, int depth)
    {
        if (depth > 8) yield break; // recursive messages: deep enough for every request shape
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var path = prefix + field.Name;
            if (RequestLimits.Find(request.FullName, path) is { Kind: LimitKind.Ignored }) continue;
            if (field.IsMap)
            {
                yield return (request.FullName, path, LimitKind.Count);
                foreach (var (part, name) in new[] { (field.MessageType.FindFieldByNumber(1), "{key}"),
                    (field.MessageType.FindFieldByNumber(2), "{value}") })
                {
                    if (IsText(part)) yield return (request.FullName, path + name, LimitKind.Length);
                }
                continue;
            }
            if (field.IsRepeated)
            {
                yield return (request.FullName, path, LimitKind.Count);
                path += "[]";
            }
            if (IsText(field)) yield return (request.FullName, path, LimitKind.Length);
            else if (field.FieldType == FieldType.Message)
            {
                foreach (var inner in Walk(request, field.MessageType, path + ".", depth + 1)) yield return inner;
            }
        }
    }

    private static bool IsText(FieldDescriptor field) => field.FieldType is FieldType.String or FieldType.Bytes;
}
