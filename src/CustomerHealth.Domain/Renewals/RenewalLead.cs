namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// Whether a lead (days before the renewal date the features are taken as of) suits the contracts a model trains on.
/// A lead at or above their typical term puts most lead days at or before the contract's start, where the features
/// describe the previous contract, or nothing, and say little about this renewal. Pure.
/// </summary>
public static class RenewalLead
{
    /// <summary>
    /// The median of the terms in days (start to renewal date), or null without any; the lower middle on ties.
    /// </summary>
    public static int? MedianTermDays(IEnumerable<int> termDays)
    {
        var sorted = termDays.Where(d => d > 0).Order().ToArray();
        return sorted.Length == 0 ? null : sorted[(sorted.Length - 1) / 2];
    }

    /// <summary>
    /// Why <paramref name="leadDays"/> is refused for contracts of these terms, or null when it is not.
    /// </summary>
    public static string? WhyTooLong(int leadDays, IEnumerable<int> termDays) =>
        MedianTermDays(termDays) is { } median && leadDays >= median
            ? $"a lead of {leadDays} days is not shorter than the median term ({median} days from start to " +
              "renewal date) of the contracts it would train on: most lead days would fall at or before the " +
              $"contract's start; choose a lead below {median} days"
            : null;
}
