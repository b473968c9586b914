namespace CustomerHealth.Domain.Accounts;

/// <summary>Why a champion needs attention.</summary>
public enum ChampionAlertKind
{
    Unspecified = 0,

    /// <summary>The CRM marked the champion as left, and no other champion is in place.</summary>
    Left = 1,

    /// <summary>The champion's usage user had no active day for the quiet window while other users had.</summary>
    Quiet = 2,
}

/// <summary>One champion's alert: who (the contact's id, never a name), why, and since when or for how long.</summary>
public sealed record ChampionAlert(string ContactId, ChampionAlertKind Kind, DateOnly? LeftOn, int QuietDays);

/// <summary>A champion contact with what the signal needs: whether their usage user was active in the window.</summary>
public sealed record ChampionFacts(string ContactId, bool Left, DateOnly? LeftOn, bool Linked, bool ActiveInWindow);

/// <summary>
/// The "champion left / went quiet" signal of an account: pure, from its champions and whether the account had any
/// active user in the last <c>quietDays</c> days (docs/adr/0074-champion-signal-drives-plays-not-the-score.md).
/// </summary>
public static class ChampionSignals
{
    /// <summary>The default quiet window, in days.</summary>
    public const int DefaultQuietDays = 21;

    /// <summary>The bounds of the quiet window: the usage history every score reads covers 60 days.</summary>
    public const int MinQuietDays = 7, MaxQuietDays = 60;

    /// <summary>
    /// The alerts, by contact id: every left champion while no champion is in place (a new champion clears them), and
    /// every champion in place whose linked usage user had no active day in the window while the account had one.
    /// </summary>
    public static IReadOnlyList<ChampionAlert> Assess(
        IEnumerable<ChampionFacts> champions, bool accountActiveInWindow, int quietDays)
    {
        var all = champions.OrderBy(c => c.ContactId, StringComparer.Ordinal).ToArray();
        var inPlace = all.Where(c => !c.Left).ToArray();
        var alerts = new List<ChampionAlert>();
        if (inPlace.Length == 0)
            alerts.AddRange(all.Select(c => new ChampionAlert(c.ContactId, ChampionAlertKind.Left, c.LeftOn, 0)));
        if (accountActiveInWindow)
        {
            alerts.AddRange(inPlace.Where(c => c.Linked && !c.ActiveInWindow)
                .Select(c => new ChampionAlert(c.ContactId, ChampionAlertKind.Quiet, null, quietDays)));
        }
        return alerts;
    }
}
