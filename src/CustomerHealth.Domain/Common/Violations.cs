namespace CustomerHealth.Domain.Common;

/// <summary>Collects every broken field rule of a request, so the caller learns all of them at once.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public bool Any => _items.Count > 0;

    public IReadOnlyList<FieldViolation> Items => _items;

    public Violations Add(string field, string description)
    {
        _items.Add(new FieldViolation(field, description));
        return this;
    }

    /// <summary>
    /// Checks a caller-chosen identifier (see <see cref="Identifiers"/>); empty is an error unless optional.
    /// </summary>
    public Violations Identifier(string field, string? value, bool optional = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (!optional) Add(field, "is required");
        }
        else if (Identifiers.Explain(value) is { } problem)
        {
            Add(field, problem);
        }
        return this;
    }

    /// <summary>
    /// Checks an opaque token such as a user id (see <see cref="Identifiers.ExplainToken"/>); empty is an error unless
    /// optional.
    /// </summary>
    public Violations Token(string field, string? value, bool optional = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (!optional) Add(field, "is required");
        }
        else if (Identifiers.ExplainToken(value) is { } problem)
        {
            Add(field, problem);
        }
        return this;
    }

    /// <summary>
    /// Checks a free-text field: its length, no control characters (line breaks and tabs allowed when
    /// <paramref name="multiline"/>); <paramref name="required"/> also rejects blank text.
    /// </summary>
    public Violations Text(string field, string? value, int maxLength, bool required = false, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (got {value.Length})");
        }
        else if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            Add(field, "must not contain control characters");
        }
        return this;
    }

    /// <summary>Throws <see cref="ValidationException"/> when any rule was broken.</summary>
    public void ThrowIfAny()
    {
        if (Any) throw new ValidationException(_items.ToArray());
    }
}
