namespace CustomerHealth.Domain.Common;

/// <summary>
/// People as callers name them, by e-mail address or display name: account owners, CSMs, the authors of changes.
/// </summary>
public static class PersonNames
{
    /// <summary>254 characters: the longest e-mail address (RFC 5321), so that any address fits.</summary>
    public const int MaxLength = 254;
}
