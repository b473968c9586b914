using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Health;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Plays;

/// <summary>Clients and givens of the play tests. Each test keeps to accounts of its own owner.</summary>
public abstract class PlayScenario<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    protected PlayService.PlayServiceClient Plays => new(Service.Channel);

    /// <summary>The owner's plays (every status), once <paramref name="done"/> holds for them (10 s at most).</summary>
    protected async Task<IReadOnlyList<Play>> PlaysOnce(string owner, Func<IReadOnlyList<Play>, bool> done)
    {
        IReadOnlyList<Play> plays = [];
        for (var i = 0; i < 100; i++)
        {
            plays = (await Plays.ListPlaysAsync(new() { Owner = owner, PageSize = 1000 }, cancellationToken: Ct)).Plays;
            if (done(plays)) return plays;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"The plays of {owner} never got there: {string.Join(", ", plays.Select(Describe))}");
        return plays;
    }

    protected static string Describe(Play play) => $"{play.RuleKind} {play.Status}";

    protected static Play Active(IReadOnlyList<Play> plays, PlayRuleKind kind) =>
        Assert.Single(plays, p => p.RuleKind == kind && p.Status is PlayStatus.Open or PlayStatus.Acknowledged
            or PlayStatus.Snoozed);

    protected static bool HasActive(
        IReadOnlyList<Play> plays, PlayRuleKind kind, PlayStatus status = PlayStatus.Open) =>
        plays.Any(p => p.RuleKind == kind && p.Status == status);

    /// <summary>A CSM call now: it marks the account for rescoring (and clears a no-touchpoint play).</summary>
    protected async Task GivenTouchpoint(string account, string id)
    {
        var touchpoint = new Touchpoint
        {
            TouchpointId = id, AccountId = account, Kind = TouchpointKind.Call, Csm = "csm",
            OccurTime = Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddMinutes(-5)),
        };
        await Engagement.RecordTouchpointAsync(new() { Touchpoint = touchpoint }, cancellationToken: Ct);
    }

    /// <summary>Logins of <paramref name="users"/> on each day from <paramref name="first"/> to
    /// <paramref name="last"/>.</summary>
    protected async Task GivenLogins(string account, DateOnly first, DateOnly last, params string[] users)
    {
        var events = new List<UsageEvent>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            events.AddRange(users.Select(u =>
                Event($"{account}-{u}-{text}", account, u, "login", at: $"{text}T09:00:00Z")));
        }
        await Engagement.IngestEventsAsync(Batch([.. events]), cancellationToken: Ct);
    }

    /// <summary>A contract of <paramref name="seats"/> seats from <paramref name="start"/> to
    /// <paramref name="end"/>.</summary>
    protected async Task GivenContract(string account, string start, string end, int seats, string id = "c1")
    {
        var contract = Build.Contract($"{account}-{id}", account, arr: 24_000m, seats: seats, start: start, end: end);
        await Accounts.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct);
    }
}
