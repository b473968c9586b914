using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Onboarding;

public enum MilestoneStatus
{
    Unspecified = 0,
    Pending = 1,
    Done = 2,
    Overdue = 3,
}

public enum PlanStatus
{
    Unspecified = 0,
    /// <summary>Nothing overdue.</summary>
    OnTrack = 1,
    /// <summary>One milestone overdue.</summary>
    AtRisk = 2,
    /// <summary>Two or more overdue, or first value overdue.</summary>
    Behind = 3,
    /// <summary>Every milestone done.</summary>
    Complete = 4,
}

/// <summary>How a milestone was completed.</summary>
public enum CompletionMethod
{
    Unspecified = 0,
    Rule = 1,
    Manual = 2,
}

/// <summary>One milestone of an account's plan: its template fields, frozen at creation, and its completion.</summary>
public sealed class Milestone
{
    public const int MaxNoteLength = 2000;

    /// <summary>For EF Core, which sets every property from the row.</summary>
    private Milestone()
    {
        AccountId = Key = Title = "";
        Rule = MilestoneRule.Manual;
    }

    private Milestone(
        string accountId, string key, string title, int dueDay, DateOnly dueDate, MilestoneRule rule, int position)
    {
        AccountId = accountId;
        Key = key;
        Title = title;
        DueDay = dueDay;
        DueDate = dueDate;
        Rule = rule;
        Position = position;
    }

    public string AccountId { get; private set; }
    public string Key { get; private set; }
    public string Title { get; private set; }
    public int DueDay { get; private set; }

    /// <summary>Start date + due day: the milestone is overdue from the next UTC day on.</summary>
    public DateOnly DueDate { get; private set; }

    public MilestoneRule Rule { get; private set; }
    public int Position { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public CompletionMethod CompletedHow { get; private set; }

    /// <summary>Who completed it by hand, or null when a rule did.</summary>
    public string? CompletedBy { get; private set; }

    public string? Note { get; private set; }

    public bool IsDone => CompletedAt is not null;

    public MilestoneStatus StatusOn(DateOnly today) =>
        IsDone ? MilestoneStatus.Done : today > DueDate ? MilestoneStatus.Overdue : MilestoneStatus.Pending;

    internal static Milestone From(string accountId, DateOnly start, MilestoneTemplate template, int position) =>
        new(accountId, template.Key, template.Title, template.DueDay, start.AddDays(template.DueDay), template.Rule,
            position);

    internal bool Complete(DateTime at, CompletionMethod how, string? by, string? note)
    {
        if (IsDone) return false;
        (CompletedAt, CompletedHow, CompletedBy, Note) = (at, how, by, string.IsNullOrWhiteSpace(note) ? null
            : note.Trim());
        return true;
    }

    /// <summary>Moves a completion made by the milestone's rule to an earlier instant the evidence now shows.</summary>
    internal bool MoveRuleCompletionEarlier(DateTime at)
    {
        if (CompletedHow != CompletionMethod.Rule || CompletedAt is not { } current || at >= current) return false;
        CompletedAt = at;
        return true;
    }
}

/// <summary>
/// An account's 90-day onboarding plan: milestones from the template of its tier (the version in force when the plan
/// was created), due relative to the start of its first contract. Time to value is the days from start to the
/// first-value milestone.
/// </summary>
public sealed class OnboardingPlan
{
    private readonly List<Milestone> _milestones = [];

    private OnboardingPlan(string accountId, DateOnly startDate, CsTier tier, int templateVersion, DateTime createdAt)
    {
        AccountId = accountId;
        StartDate = startDate;
        Tier = tier;
        TemplateVersion = templateVersion;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string AccountId { get; private set; }
    public DateOnly StartDate { get; private set; }
    public CsTier Tier { get; private set; }
    public int TemplateVersion { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public IReadOnlyList<Milestone> Milestones => _milestones;

    public static OnboardingPlan Create(string accountId, DateOnly startDate, PlanTemplate template, DateTime now)
    {
        var plan = new OnboardingPlan(accountId, startDate, template.Tier, template.Version, now);
        plan._milestones.AddRange(template.Milestones.Select((m, i) => Milestone.From(accountId, startDate, m, i)));
        return plan;
    }

    /// <summary>Puts the milestones back in template order (a database returns them in any order).</summary>
    public void SortMilestones() => _milestones.Sort((a, b) => a.Position.CompareTo(b.Position));

    /// <summary>
    /// The milestone that marks first value: the one with the first-value rule, else the one keyed <c>first_value</c>.
    /// </summary>
    public Milestone? FirstValueMilestone =>
        _milestones.FirstOrDefault(m => m.Rule.Kind == MilestoneRuleKind.FirstValue)
            ?? _milestones.FirstOrDefault(m => m.Key == "first_value");

    /// <summary>Days from the start to first value, once reached.</summary>
    public int? TimeToValueDays =>
        FirstValueMilestone?.CompletedAt is { } at ? DateOnly.FromDateTime(at).DayNumber - StartDate.DayNumber : null;

    public PlanStatus StatusOn(DateOnly today)
    {
        if (_milestones.All(m => m.IsDone)) return PlanStatus.Complete;
        var overdue = _milestones.Where(m => m.StatusOn(today) == MilestoneStatus.Overdue).ToArray();
        return overdue.Length == 0 ? PlanStatus.OnTrack
            : overdue.Length >= 2 || overdue.Contains(FirstValueMilestone) ? PlanStatus.Behind
            : PlanStatus.AtRisk;
    }

    /// <summary>
    /// Marks a milestone done by a person. Idempotent: completing a done milestone changes nothing and returns false.
    /// The completion time may not be before the plan's start nor in the future.
    /// </summary>
    public bool CompleteManually(string key, string by, string? note, DateTime at, DateTime now)
    {
        var milestone = _milestones.FirstOrDefault(m => m.Key == key)
            ?? throw new NotFoundException("Milestone", $"{AccountId}/{key}");
        var v = new Violations();
        if (DateOnly.FromDateTime(at) < StartDate) v.Add(
            "complete_time", $"must not be before the plan's start {StartDate:yyyy-MM-dd}");
        if (at > now + TimeSpan.FromMinutes(5)) v.Add("complete_time", "must not be in the future");
        v.ThrowIfAny();
        if (!milestone.Complete(at, CompletionMethod.Manual, by, note)) return false;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Completes every pending automatic milestone that the evidence shows reached, and moves earlier the completion of
    /// a milestone a rule completed when the evidence now shows an earlier instant (an event that arrived late);
    /// returns the keys completed or moved. Completions by hand are never changed.
    /// </summary>
    public IReadOnlyList<string> ApplyEvidence(IOnboardingEvidence evidence, DateTime now)
    {
        var changed = new List<string>();
        var start = StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        foreach (var m in _milestones.Where(
            m => m.Rule.IsAutomatic && (!m.IsDone || m.CompletedHow == CompletionMethod.Rule)))
        {
            if (evidence.ReachedAt(m.Rule) is not { } reached) continue;
            var at = reached < start ? start : reached;
            if (m.IsDone ? m.MoveRuleCompletionEarlier(at)
                : m.Complete(at, CompletionMethod.Rule, null, m.Rule.Describe())) changed.Add(m.Key);
        }
        if (changed.Count > 0) UpdatedAt = now;
        return changed;
    }

    /// <summary>
    /// Whether an evaluation can change anything: an automatic milestone open, or completed by its rule.
    /// </summary>
    public bool HasAutomaticMilestonesToEvaluate =>
        _milestones.Any(m => m.Rule.IsAutomatic && (!m.IsDone || m.CompletedHow == CompletionMethod.Rule));
}

/// <summary>
/// What the account's data shows for a rule: the instant the rule was first met since the plan's start, or null.
/// </summary>
public interface IOnboardingEvidence
{
    DateTime? ReachedAt(MilestoneRule rule);
}
