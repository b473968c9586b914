namespace CustomerHealth.Domain.Common;

/// <summary>
/// How a caller's value is quoted in an error message or a log line: at most a short prefix, so that no answer and no
/// log line grows with what the caller sent (a status travels in HTTP/2 trailers, which must stay small).
/// </summary>
public static class Excerpt
{
    /// <summary>The most characters of a caller's value any message quotes.</summary>
    public const int MaxQuotedLength = 32;

    /// <summary>The longest reason taken from an exception's message.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>
    /// <paramref name="value"/> in single quotes when it is short; otherwise its first
    /// <see cref="MaxQuotedLength"/> characters, an ellipsis and its length. Control characters are shown as <c>?</c>.
    /// </summary>
    public static string Of(string? value)
    {
        if (value is null) return "''";
        var shown = value.Length <= MaxQuotedLength ? value : value[..MaxQuotedLength];
        shown = string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++) span[i] = char.IsControl(text[i]) ? '?' : text[i];
        });
        return value.Length <= MaxQuotedLength ? $"'{shown}'" : $"'{shown}…' ({value.Length:N0} characters)";
    }

    /// <summary>The first sentence (or line) of <paramref name="message"/>, at most <see cref="MaxReasonLength"/>
    /// characters.</summary>
    public static string FirstSentence(string message)
    {
        var end = message.IndexOfAny(['\n', '\r']);
        var text = end < 0 ? message : message[..end];
        var stop = text.IndexOf(". ", StringComparison.Ordinal);
        if (stop >= 0) text = text[..(stop + 1)];
        return text.Length <= MaxReasonLength ? text : text[..MaxReasonLength] + "…";
    }
}
