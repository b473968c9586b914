namespace CustomerHealth.Domain.Common;

/// <summary>
/// Base of the exceptions that carry a rule the caller broke; the host maps each kind to a gRPC status.
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>
/// One broken field rule: the field's path as the caller names it (for example <c>contract.arr.currency_code</c>) and
/// why.
/// </summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request broke one or more field rules; nothing was written.</summary>
public sealed class ValidationException : DomainException
{
    public ValidationException(IReadOnlyList<FieldViolation> violations)
        : base(Describe(violations))
    {
        if (violations.Count == 0)
            throw new ArgumentException("A validation failure needs at least one violation.", nameof(violations));
        Violations = violations;
    }

    public ValidationException(string field, string description) : this([new FieldViolation(field, description)]) { }

    public IReadOnlyList<FieldViolation> Violations { get; }

    private static string Describe(IReadOnlyList<FieldViolation> violations) =>
        violations.Count == 1
            ? $"Invalid {violations[0].Field}: {violations[0].Description}"
            : $"The request has {violations.Count} invalid fields: "
                + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
}

/// <summary>A resource the request names does not exist.</summary>
public sealed class NotFoundException(string resourceType, string resourceId)
    : DomainException($"{resourceType} '{resourceId}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceId { get; } = resourceId;
}

/// <summary>
/// The request is well formed but the stored state does not allow it (for example moving a contract to another
/// account).
/// </summary>
public sealed class RuleViolationException(
    string reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
    : DomainException(message)
{
    /// <summary>A stable UPPER_SNAKE_CASE code a client can branch on.</summary>
    public string Reason { get; } = reason;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata ?? new Dictionary<string, string>();
}

/// <summary>The request would create something that already exists.</summary>
public sealed class AlreadyExistsException(string resourceType, string resourceId, string hint)
    : DomainException($"{resourceType} '{resourceId}' already exists. {hint}")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceId { get; } = resourceId;
}
