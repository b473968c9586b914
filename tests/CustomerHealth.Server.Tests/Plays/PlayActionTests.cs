using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Plays;

public sealed class PlayActionsOnSqlite(SqliteTestDatabase database) : PlayActionTests<SqliteTestDatabase>(database);

public sealed class PlayActionsOnPostgreSql(PostgreSqlTestDatabase database)
    : PlayActionTests<PostgreSqlTestDatabase>(database);

public sealed class PlayActionsOnSqlServer(SqlServerTestDatabase database)
    : PlayActionTests<SqlServerTestDatabase>(database);

/// <summary>What people do with plays, the rule set an admin edits, and who may do either.</summary>
public abstract class PlayActionTests<TDatabase>(TDatabase database) : PlayScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private AuditService.AuditServiceClient Audit => new(Service.Channel);

    private async Task<Play> CriticalPlayOf(string account, string owner)
    {
        await GivenCustomer(account, CsTier.HighTouch, owner: owner);
        // The owner may hold other accounts' plays: wait for, and pick, this account's own.
        var plays = await PlaysOnce(owner, p => HasActive([.. p.Where(x => x.AccountId == account)],
            PlayRuleKind.BandCritical));
        return Active([.. plays.Where(x => x.AccountId == account)], PlayRuleKind.BandCritical);
    }

    [Fact]
    public async Task APlayIsAcknowledgedSnoozedUntilItsDayAndCompletedWithAnOutcome()
    {
        const string owner = "plays-act@example.com";
        var play = await CriticalPlayOf("pa-acme", owner);

        var acknowledged =
            (await Plays.AcknowledgePlayAsync(new() { PlayId = play.PlayId }, cancellationToken: Ct)).Play;
        Assert.Equal(PlayStatus.Acknowledged, acknowledged.Status);
        Assert.NotEmpty(acknowledged.AcknowledgedBy);
        var snoozed = (await Plays.SnoozePlayAsync(
            new() { PlayId = play.PlayId, UntilDate = Build.Date("2026-03-18") }, cancellationToken: Ct)).Play;
        Assert.Equal((PlayStatus.Snoozed, Build.Date("2026-03-18")), (snoozed.Status, snoozed.SnoozedUntil));

        await GivenTouchpoint("pa-acme", "pa-call-1"); // rescored before the day: still snoozed
        await PlaysOnce(owner, p => !HasActive(p, PlayRuleKind.NoTouchpoint));
        Assert.Equal(PlayStatus.Snoozed, (await Get(play.PlayId)).Status);
        Clock.Set(new DateTimeOffset(2026, 3, 18, 8, 0, 0, TimeSpan.Zero));
        await GivenTouchpoint("pa-acme", "pa-call-2");
        var reopened = Active(await PlaysOnce(owner, p => HasActive(p, PlayRuleKind.BandCritical)),
            PlayRuleKind.BandCritical);
        Assert.Equal(play.PlayId, reopened.PlayId); // the same play, back on its day

        var completed = (await Plays.CompletePlayAsync(
            new() { PlayId = play.PlayId, Outcome = PlayOutcome.Addressed, Note = "QBR booked" },
            cancellationToken: Ct)).Play;
        Assert.Equal((PlayStatus.Completed, PlayOutcome.Addressed, "QBR booked"),
            (completed.Status, completed.Outcome, completed.OutcomeNote));
        var retried = (await Plays.CompletePlayAsync(
            new() { PlayId = play.PlayId, Outcome = PlayOutcome.Addressed, Note = "QBR booked" },
            cancellationToken: Ct)).Play;
        Assert.Equal(completed, retried);

        var closed = await FailsWith(StatusCode.FailedPrecondition,
            () => Plays.AcknowledgePlayAsync(new() { PlayId = play.PlayId }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal("PLAY_CLOSED", closed.GetDetail<ErrorInfo>()?.Reason);
        var kinds = (await Plays.ListPlayChangesAsync(new() { Owner = owner }, cancellationToken: Ct)).Changes
            .Where(c => c.Play.PlayId == play.PlayId).Select(c => c.Kind);
        Assert.Equal([PlayChangeKind.Opened, PlayChangeKind.Acknowledged, PlayChangeKind.Snoozed,
            PlayChangeKind.Reopened, PlayChangeKind.Completed], kinds);
        var audited = (await Audit.ListAuditEventsAsync(
            new() { TargetType = "play", TargetId = play.PlayId.ToString(Invariant) },
            cancellationToken: Ct)).Events;
        Assert.Equal([AuditAction.PlayCompleted, AuditAction.PlaySnoozed], audited.Select(e => e.Action));
    }

    [Fact]
    public async Task PlaysAreListedByFilterAndPagedAndBadRequestsAreRefused()
    {
        const string owner = "plays-list@example.com";
        await CriticalPlayOf("pl-one", owner);
        await CriticalPlayOf("pl-two", owner);
        var all = await PlaysOnce(owner, p => p.Count(x => x.RuleKind == PlayRuleKind.BandCritical) == 2);

        var paged = new List<Play>();
        var request = new ListPlaysRequest { Owner = owner, PageSize = 2 };
        do
        {
            var page = await Plays.ListPlaysAsync(request, cancellationToken: Ct);
            paged.AddRange(page.Plays);
            request.PageToken = page.NextPageToken;
        } while (request.PageToken != "");
        Assert.Equal(all.Select(p => p.PlayId), paged.Select(p => p.PlayId));
        var high = await Plays.ListPlaysAsync(
            new() { Owner = owner, Priority = PlayPriority.High, Statuses = { PlayStatus.Open }, AccountId = "pl-two" },
            cancellationToken: Ct);
        Assert.NotEmpty(high.Plays);
        Assert.All(high.Plays, p => Assert.Equal(("pl-two", PlayPriority.High), (p.AccountId, p.Priority)));

        await FailsWith(StatusCode.NotFound,
            () => Plays.GetPlayAsync(new() { PlayId = 987_654_321 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("play_id", () => Plays.GetPlayAsync(new(), cancellationToken: Ct).ResponseAsync);
        await RejectsField("until_date", () => Plays.SnoozePlayAsync(
            new() { PlayId = all[0].PlayId, UntilDate = Build.Date("2026-03-15") },
            cancellationToken: Ct).ResponseAsync);
        await RejectsField("outcome", () => Plays.CompletePlayAsync(
            new() { PlayId = all[0].PlayId }, cancellationToken: Ct).ResponseAsync);
        await RejectsField("page_token", () => Plays.ListPlaysAsync(
            new() { Owner = "other", PageToken = request.PageToken == "" ? "x" : request.PageToken },
            cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task RuleChangesAreVersionedAuditedAndRefusedOnAStaleVersion()
    {
        var current = (await Plays.GetPlayRulesAsync(new(), cancellationToken: Ct)).RuleSet;
        Assert.Equal(10, current.Rules.Count);
        Assert.Equal(3, current.Cadences.Count);
        var proposed = current.Clone();
        proposed.CooldownDays = current.CooldownDays + 1;

        var updated = await Plays.UpdatePlayRulesAsync(
            new() { RuleSet = proposed, ExpectedVersion = current.Version }, cancellationToken: Ct);
        Assert.True(updated.Changed);
        Assert.Equal(
            (current.Version + 1, proposed.CooldownDays), (updated.RuleSet.Version, updated.RuleSet.CooldownDays));
        var retry = await Plays.UpdatePlayRulesAsync(
            new() { RuleSet = proposed, ExpectedVersion = current.Version }, cancellationToken: Ct);
        Assert.False(retry.Changed);

        proposed.CooldownDays += 1;
        var stale = await FailsWith(StatusCode.FailedPrecondition, () => Plays.UpdatePlayRulesAsync(
            new() { RuleSet = proposed, ExpectedVersion = current.Version }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal("PLAY_RULES_VERSION_MISMATCH", stale.GetDetail<ErrorInfo>()?.Reason);
        proposed.Rules.RemoveAt(0);
        await RejectsField("rule_set.rules", () => Plays.UpdatePlayRulesAsync(
            new() { RuleSet = proposed, ExpectedVersion = updated.RuleSet.Version },
            cancellationToken: Ct).ResponseAsync);

        var events =
            (await Audit.ListAuditEventsAsync(new() { TargetType = "play_rules" }, cancellationToken: Ct)).Events;
        var audited = Assert.Single(events, e => e.TargetId == updated.RuleSet.Version.ToString(
            Invariant));
        Assert.Equal(AuditAction.PlayRulesUpdated, audited.Action);
        var cooldown = $"\"cooldownDays\":{updated.RuleSet.CooldownDays}";
        Assert.Contains(cooldown, audited.AfterJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallersWithoutTheRightScopeAreRefused()
    {
        var play = await CriticalPlayOf("ps-scope", "plays-scope@example.com");
        using var readerChannel = Service.ChannelWith(TestCredentials.Token([Scopes.Read]));
        using var csmChannel = Service.ChannelWith(TestCredentials.Token([Scopes.Read, Scopes.CsmWrite]));
        var reader = new PlayService.PlayServiceClient(readerChannel);
        var csm = new PlayService.PlayServiceClient(csmChannel);

        Assert.Equal(play.PlayId, (await reader.GetPlayAsync(new() { PlayId = play.PlayId }, cancellationToken: Ct))
            .Play.PlayId);
        await FailsWith(StatusCode.PermissionDenied,
            () => reader.AcknowledgePlayAsync(new() { PlayId = play.PlayId }, cancellationToken: Ct).ResponseAsync);
        await csm.AcknowledgePlayAsync(new() { PlayId = play.PlayId }, cancellationToken: Ct);
        var rules = (await csm.GetPlayRulesAsync(new(), cancellationToken: Ct)).RuleSet;
        await FailsWith(StatusCode.PermissionDenied, () => csm.UpdatePlayRulesAsync(
            new() { RuleSet = rules, ExpectedVersion = rules.Version }, cancellationToken: Ct).ResponseAsync);
    }

    private static System.Globalization.CultureInfo Invariant => System.Globalization.CultureInfo.InvariantCulture;

    private async Task<Play> Get(long id) =>
        (await Plays.GetPlayAsync(new() { PlayId = id }, cancellationToken: Ct)).Play;
}
