using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>Why an account behaves as it does; the tricky ones are there to test that scores are not fooled.</summary>
public enum Archetype
{
    /// <summary>Latent health drifts around a level of its own.</summary>
    Typical,

    /// <summary>
    /// A customer of more than a year whose health slides during the last five months: tenure is no shield.
    /// </summary>
    FadingVeteran,

    /// <summary>A tech-touch account with few seats that uses the product hard.</summary>
    SmallButEngaged,

    /// <summary>
    /// Usage looks healthy, but the champion (user 1) is unhappy and says so in NPS: latent health is middling.
    /// </summary>
    DetractorChampion,

    /// <summary>A self-serve account on a monthly plan (<see cref="SelfServeModel"/>).</summary>
    SelfServe,

    /// <summary>
    /// A self-serve account that signs in often but makes little with the product (few reports and automations): its
    /// activity looks healthy, its rates of the uses that keep customers do not.
    /// </summary>
    HabitualBrowser,
}

/// <summary>The kind of business an archetype belongs to.</summary>
public static class ArchetypeKinds
{
    public static bool IsSelfServe(this Archetype archetype) =>
        archetype is Archetype.SelfServe or Archetype.HabitualBrowser;

    /// <summary>The mix name of the archetype's kind of business, as <c>--archetype</c> spells it.</summary>
    public static string Business(this Archetype archetype) => archetype.IsSelfServe() ? "self-serve" : "b2b";
}

/// <summary>The truth about one contract's renewal: what drove it and what happened.</summary> <param
/// name="RenewProbability">The chance of renewal the generator drew the outcome from (for contracts still open: as of
/// the last day).</param> <param name="Renewed">True or false once decided; null while the contract runs or awaits its
/// outcome.</param>
public sealed record RenewalTruth(
    string ContractId, string AccountId, DateOnly EndDate, decimal Arr, double HealthAtEnd, double HealthAtLead,
    double RenewProbability, bool? Renewed, decimal? NewArr);

/// <summary>
/// One generated account: what a CRM integration would push for it (proto requests of the public API), the usage events
/// (made lazily, the same every time they are enumerated), and the hidden truth behind them.
/// </summary>
public sealed class SyntheticAccount
{
    private readonly Func<IEnumerable<UsageEvent>> _events;

    internal SyntheticAccount(Func<IEnumerable<UsageEvent>> events) => _events = events;

    public required int Index { get; init; }
    public required string AccountId { get; init; }
    public required Archetype Archetype { get; init; }
    public required CsTier Tier { get; init; }
    public required DateOnly FirstStart { get; init; }

    /// <summary>The end date of the contract that churned, or null while the account is a customer.</summary>
    public required DateOnly? ChurnDate { get; init; }

    public required Account Account { get; init; }

    /// <summary>
    /// Contracts in order of start; outcomes are recorded separately (<see cref="Outcomes"/>), after all contracts
    /// exist.
    /// </summary>
    public required IReadOnlyList<Contract> Contracts { get; init; }

    public required IReadOnlyList<RecordRenewalOutcomeRequest> Outcomes { get; init; }
    public required IReadOnlyList<RenewalTruth> Renewals { get; init; }
    public required IReadOnlyList<NpsResponse> NpsResponses { get; init; }
    public required IReadOnlyList<SupportTicket> Tickets { get; init; }
    public required IReadOnlyList<Touchpoint> Touchpoints { get; init; }
    public required IReadOnlyList<CompleteMilestoneRequest> MilestoneCompletions { get; init; }

    /// <summary>
    /// Latent health (0–1) of each day from <see cref="FirstStart"/> to the last day the account was a customer.
    /// </summary>
    public required IReadOnlyList<double> LatentHealth { get; init; }

    public DateOnly LastDay => FirstStart.AddDays(LatentHealth.Count - 1);

    /// <summary>
    /// Latent health on <paramref name="day"/>, or null when the account was not a customer that day.
    /// </summary>
    public double? HealthOn(DateOnly day)
    {
        var i = day.DayNumber - FirstStart.DayNumber;
        return i >= 0 && i < LatentHealth.Count ? LatentHealth[i] : null;
    }

    /// <summary>The account's product-usage events in time order, made on demand (never held all at once).</summary>
    public IEnumerable<UsageEvent> Events() => _events();
}
