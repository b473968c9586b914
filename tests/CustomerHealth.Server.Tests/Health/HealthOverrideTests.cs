using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Health;

public sealed class HealthOverridesOnSqlite(SqliteTestDatabase database)
    : HealthOverrideTests<SqliteTestDatabase>(database);

public sealed class HealthOverridesOnPostgreSql(PostgreSqlTestDatabase database)
    : HealthOverrideTests<PostgreSqlTestDatabase>(database);

public sealed class HealthOverridesOnSqlServer(SqlServerTestDatabase database)
    : HealthOverrideTests<SqlServerTestDatabase>(database);

/// <summary>CSM overrides beside the computed score, and the audit of overrides and scorecard changes.</summary>
public abstract class HealthOverrideTests<TDatabase>(TDatabase database) : HealthScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private Timestamp InDays(int days) => Timestamp.FromDateTimeOffset(Clock.GetUtcNow().AddDays(days));

    private HealthService.HealthServiceClient As(string subject) =>
        new(Service.ChannelWith(TestCredentials.Token(Server.Security.Scopes.All, subject)));

    [Fact]
    public async Task AnOverrideIsShownBesideTheComputedScoreUntilItExpires()
    {
        await GivenCustomer("ov", CsTier.TechTouch, seats: 3);
        var computed = await Eventually("ov", s => s.Band == HealthBand.Critical);

        var set = (await Health.SetHealthOverrideAsync(new()
        {
            AccountId = "ov", Score = 75, Reason = "Exec sponsor confirmed the renewal", ExpireTime = InDays(14),
            SetBy = "csm.alice@example.com",
        }, cancellationToken: Ct)).Score;

        Assert.Equal(computed.Score, set.Score); // the computed score stays
        Assert.Equal(HealthBand.Critical, set.Band);
        Assert.Equal(75, set.Override.Score);
        Assert.Equal(HealthBand.Healthy, set.Override.Band); // from the scorecard's thresholds
        Assert.Equal(TestCredentials.Subject, set.Override.SetBy); // the authenticated caller, not set_by
        Assert.Equal(InDays(14), set.Override.ExpireTime);
        Assert.Equal(set.Override, (await Score("ov")).Override);
        var listed = await Health.ListHealthScoresAsync(new() { PageSize = 1000 }, cancellationToken: Ct);
        Assert.Equal(set.Override, listed.Scores.Single(s => s.AccountId == "ov").Override);
        var batch = await Health.BatchGetHealthScoresAsync(new() { AccountIds = { "ov" } }, cancellationToken: Ct);
        Assert.Equal(set.Override, batch.Scores.Single().Override);

        Clock.Advance(TimeSpan.FromDays(14));

        var expired = await Score("ov");
        Assert.Null(expired.Override);
        await FailsWith(StatusCode.FailedPrecondition,
            () =>
                Health.ClearHealthOverrideAsync(
                    new() { AccountId = "ov", ClearedBy = "csm.alice@example.com" }, cancellationToken: Ct)
                    .ResponseAsync);
    }

    [Fact]
    public async Task AReplicaReadsItsOwnWritesAtOnceThoughItAnswersReadsFromMemory()
    {
        await GivenCustomer("ov-fresh", CsTier.TechTouch, seats: 3);
        var computed = await Eventually("ov-fresh", s => s.Band == HealthBand.Critical);
        Assert.Equal(computed, await Score("ov-fresh")); // read twice: the second answer may come from the read cache

        await Health.SetHealthOverrideAsync(new()
        {
            AccountId = "ov-fresh", Band = HealthBand.Healthy, Reason = "Renewal signed early", ExpireTime = InDays(7),
            SetBy = "csm.alice@example.com",
        }, cancellationToken: Ct);
        Assert.Equal(HealthBand.Healthy, (await Score("ov-fresh")).Override.Band);

        await Health.ClearHealthOverrideAsync(
            new() { AccountId = "ov-fresh", ClearedBy = "csm.alice@example.com" }, cancellationToken: Ct);
        Assert.Null((await Score("ov-fresh")).Override);

        await Accounts.DeleteAccountAsync(new() { AccountId = "ov-fresh" }, cancellationToken: Ct);
        await FailsWith(
            StatusCode.NotFound,
            () => Health.GetHealthScoreAsync(new() { AccountId = "ov-fresh" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task BadOverridesAreRejectedNamingTheField()
    {
        await GivenCustomer("ov-bad", CsTier.TechTouch);
        SetHealthOverrideRequest Good() =>
            new()
            {
                AccountId = "ov-bad", Band = HealthBand.AtRisk, Reason = "why", ExpireTime = InDays(1),
                SetBy = "bob"
            };

        await RejectsField(
            "reason", () => Health.SetHealthOverrideAsync(Good().With(r => r.Reason = " "), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "expire_time",
            () => Health.SetHealthOverrideAsync(Good().With(r => r.ExpireTime = null), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "expire_time",
            () => Health.SetHealthOverrideAsync(Good().With(r => r.ExpireTime = InDays(-1)), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "score", () => Health.SetHealthOverrideAsync(Good().With(r => r.Score = 120), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "score",
            () => Health.SetHealthOverrideAsync(
                Good().With(r => r.Band = HealthBand.Unspecified), cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "band",
            () => Health.SetHealthOverrideAsync(Good().With(r => r.Band = HealthBand.Unknown), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "set_by",
            () => Health.SetHealthOverrideAsync(Good().With(r => r.SetBy = new string('b', 255)), cancellationToken: Ct)
            .ResponseAsync);
        await FailsWith(
            StatusCode.NotFound,
            () => Health.SetHealthOverrideAsync(Good().With(r => r.AccountId = "ghost"), cancellationToken: Ct)
            .ResponseAsync);
        Assert.Null((await Score("ov-bad")).Override);
    }

    [Fact]
    public async Task OverridesAndScorecardChangesAreAudited()
    {
        await GivenCustomer("ov-audit", CsTier.TechTouch);
        // Each change comes from another caller; the names the requests give are not who made them.
        await As("carol")
            .SetHealthOverrideAsync(
                new()
                {
                    AccountId = "ov-audit", Band = HealthBand.AtRisk, Reason = "Champion left",
                    ExpireTime = InDays(30), SetBy = "mallory"
                }, cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromHours(1));
        await As("dave")
            .SetHealthOverrideAsync(
                new()
                {
                    AccountId = "ov-audit", Band = HealthBand.Critical, Reason = "Asked for a cancellation quote",
                    ExpireTime = InDays(30)
                }, cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromHours(1));
        var cleared = (await As("erin")
            .ClearHealthOverrideAsync(new() { AccountId = "ov-audit", ClearedBy = "mallory" }, cancellationToken: Ct))
            .Score;
        Assert.Null(cleared.Override);
        var card = (await Health.GetScorecardAsync(new(), cancellationToken: Ct)).Scorecard;
        card.ChangeThresholdPoints = 5;
        await Health.ReplaceScorecardAsync(new() { Scorecard = card, UpdatedBy = "ops" }, cancellationToken: Ct);

        var entries = new List<HealthAuditEntry>();
        var token = "";
        do
        {
            var page = await Health.ListHealthAuditAsync(
                new() { AccountId = "ov-audit", PageSize = 2, PageToken = token }, cancellationToken: Ct);
            entries.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token != "");

        Assert.Equal(
            [HealthAuditAction.OverrideCleared, HealthAuditAction.OverrideSet, HealthAuditAction.OverrideSet],
            entries.Select(e => e.Action));
        Assert.Equal(["erin", "dave", "carol"], entries.Select(e => e.Actor));
        Assert.Equal(Timestamp.FromDateTimeOffset(Clock.GetUtcNow()), entries[0].Time);
        Assert.Contains("Asked for a cancellation quote", entries[0].BeforeJson, StringComparison.Ordinal);
        Assert.Equal("", entries[0].AfterJson);
        Assert.Contains("Champion left", entries[1].BeforeJson, StringComparison.Ordinal);
        Assert.Contains("Critical", entries[1].AfterJson, StringComparison.Ordinal);
        Assert.Equal("", entries[2].BeforeJson);

        var all = await Health.ListHealthAuditAsync(new() { PageSize = 1 }, cancellationToken: Ct);
        var newest = Assert.Single(all.Entries);
        Assert.Equal(HealthAuditAction.ScorecardReplaced, newest.Action);
        Assert.Equal(TestCredentials.Subject, newest.Actor);
        Assert.Equal("", newest.AccountId);
        Assert.Contains("\"changeThresholdPoints\":10", newest.BeforeJson, StringComparison.Ordinal);
        Assert.Contains("\"changeThresholdPoints\":5", newest.AfterJson, StringComparison.Ordinal);
    }
}

internal static class RequestExtensions
{
    /// <summary>The request after <paramref name="change"/>, for one-line variants of a good request.</summary>
    public static T With<T>(this T request, Action<T> change)
    {
        change(request);
        return request;
    }
}
