using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Engagement;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static CustomerHealth.Server.Tests.Engagement.Events;
using RenewalTraining = CustomerHealth.Infrastructure.Renewals.RenewalTraining;

namespace CustomerHealth.Server.Tests.Renewals;

public sealed class RenewalPredictionOnSqlite(SqliteTestDatabase database)
    : RenewalPredictionTests<SqliteTestDatabase>(database);

public sealed class RenewalPredictionOnPostgreSql(PostgreSqlTestDatabase database)
    : RenewalPredictionTests<PostgreSqlTestDatabase>(database);

public sealed class RenewalPredictionOnSqlServer(SqlServerTestDatabase database)
    : RenewalPredictionTests<SqlServerTestDatabase>(database);

/// <summary>
/// Predictions with the heuristic prior (too few outcomes for a model), the change feed, leakage and bad input.
/// </summary>
public abstract class RenewalPredictionTests<TDatabase>(TDatabase database) : RenewalScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task BelowTheThresholdTheHeuristicPriorPredictsAndSaysSo()
    {
        await GivenContract("few-1", "few-1-c1", "2025-06-01", "2026-06-01");
        await GivenContract("few-2", "few-2-c1", "2024-06-01", "2025-06-01");
        await RecordOutcome("few-2-c1", renewed: false);

        var training = await FailsWith(
            StatusCode.FailedPrecondition, () => Renewals.TrainRenewalModelAsync(new(), cancellationToken: Ct)
            .ResponseAsync);
        Assert.Equal("NOT_ENOUGH_OUTCOMES", training.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        var model = await Renewals.GetRenewalModelAsync(new(), cancellationToken: Ct);
        Assert.Equal(RenewalModelKind.Heuristic, model.Model.Kind);
        Assert.Equal(0, model.Model.Version);
        Assert.Contains("at least 10 of each", model.HeuristicReason);

        var prediction = (await Renewals.GetRenewalPredictionAsync(
            new() { ContractId = "few-1-c1" }, cancellationToken: Ct)).Prediction;
        Assert.Equal(RenewalModelKind.Heuristic, prediction.ModelKind);
        Assert.Equal(0, prediction.ModelVersion);
        Assert.Equal(
            Domain.Renewals.RenewalPrior.Probability(prediction.HasHealthScore ? prediction.HealthScore : null),
            prediction.RenewalProbability, 9);
        Assert.Equal(78, prediction.DaysToRenewal);
        Assert.Equal("few-1", prediction.AccountId);
        Assert.Equal(CsTier.LowTouch, prediction.CsTier);
        Assert.Equal(
            24_000m * (decimal)prediction.RenewalProbability * (decimal)prediction.ArrChangeRatio,
            Build.Amount(prediction.ExpectedRenewalArr), 2);
        var driver = Assert.Single(prediction.Drivers);
        Assert.Equal("health_score", driver.Feature);

        var byAccount = (await Renewals.GetRenewalPredictionAsync(new() { AccountId = "few-1" }, cancellationToken: Ct))
            .Prediction;
        Assert.Equal("few-1-c1", byAccount.ContractId);
    }

    [Fact]
    public async Task ABotPollsTheChangeFeedCheaplyAndLearnsOfNewAndRemovedPredictions()
    {
        var start = await Renewals.ListPredictionChangesAsync(
            new() { AfterSequence = 0, PageSize = 1000 }, cancellationToken: Ct);
        var cursor = start.NextSequence;
        await GivenContract("feed-1", "feed-1-c1", "2025-05-01", "2026-05-01");

        var first = await Eventually(() =>
                Renewals.ListPredictionChangesAsync(new() { AfterSequence = cursor }, cancellationToken: Ct)
                    .ResponseAsync,
            r => r.Changes.Any(c => c.ContractId == "feed-1-c1"), "the first prediction in the feed");
        var entry = first.Changes.Single(c => c.ContractId == "feed-1-c1");
        Assert.Equal(PredictionChangeReason.FirstPrediction, entry.Reason);
        Assert.True(entry.HasRenewalProbability);
        Assert.Equal(first.Changes[^1].Sequence, first.NextSequence);

        var upcoming = await AllUpcoming(new() { WithinDays = 60 });
        Assert.Contains(upcoming, p => p.ContractId == "feed-1-c1");

        // Nothing new: an empty answer and the same cursor.
        var quiet = await Renewals.ListPredictionChangesAsync(
            new() { AfterSequence = first.NextSequence }, cancellationToken: Ct);
        Assert.True(quiet.Changes.All(c => c.ContractId != "feed-1-c1"));

        await RecordOutcome("feed-1-c1", renewed: true);
        var removed = await Eventually(() =>
                Renewals.ListPredictionChangesAsync(new() { AfterSequence = first.NextSequence }, cancellationToken: Ct)
                    .ResponseAsync,
            r =>
                r.Changes.Any(c => c.ContractId == "feed-1-c1" && c.Reason == PredictionChangeReason.Removed),
                    "the removal in the feed");
        var gone = removed.Changes.Single(
            c => c.ContractId == "feed-1-c1" && c.Reason == PredictionChangeReason.Removed);
        Assert.False(gone.HasRenewalProbability);
        Assert.Equal(entry.RenewalProbability, gone.PreviousProbability, 9);
        Assert.DoesNotContain(await AllUpcoming(new()), p => p.ContractId == "feed-1-c1");
        var emptyAfter = await Renewals.ListPredictionChangesAsync(
            new() { AfterSequence = long.MaxValue - 1 }, cancellationToken: Ct);
        Assert.Empty(emptyAfter.Changes);
        Assert.Equal(long.MaxValue - 1, emptyAfter.NextSequence);
    }

    [Fact]
    public async Task ATrainingRowIsTheSameWhateverArrivesAfterItsLeadInstant()
    {
        // Renewal on 2026-01-01, lead 90 days: features as of the end of 2025-10-03.
        await GivenContract("leak", "leak-c1", "2025-01-01", "2026-01-01", tier: CsTier.HighTouch);
        await Accounts.UpsertContractAsync(
            new() { Contract = Build.Contract("leak-c2", "leak", start: "2026-01-01", end: "2027-01-01") },
            cancellationToken: Ct);
        await RecordOutcome("leak-c1", renewed: true, newArr: 30_000m);
        await Engagement.IngestEventsAsync(
            Batch([.. Logins("leak", new DateOnly(2025, 9, 1), new DateOnly(2025, 10, 3), "before")]),
            cancellationToken: Ct);
        await Engagement.RecordNpsResponseAsync(
            new() { Response = BuildSignal.Nps("leak-nps-1", "leak", score: 9, at: "2025-09-15T10:00:00Z") },
            cancellationToken: Ct);
        await Engagement.UpsertSupportTicketAsync(
            new()
            {
                Ticket = BuildSignal.Ticket("leak-t1", "leak", TicketSeverity.Normal, opened: "2025-09-20T10:00:00Z"),
            }, cancellationToken: Ct);
        await Engagement.RecordTouchpointAsync(
            new() { Touchpoint = BuildSignal.Touchpoint("leak-tp1", "leak", at: "2025-09-25T10:00:00Z") },
            cancellationToken: Ct);
        var before = await TrainingRow("leak-c1");
        Assert.Equal(9, before["latest_nps"]);
        Assert.Equal(1, before["open_tickets"]);
        Assert.True(before["log_active_users_30d"] > 0);
        // The longer-window features see the same evidence; the renewal of leak-c1 itself is decided after the lead
        // day.
        Assert.Equal(3 / 40.0, before["active_share_30d"], 9); // 3 users on each of the last 30 days, 40 seats
        Assert.Equal(1, before["nps_answers_365d"]);
        Assert.Equal(1, before["tickets_180d"]);
        Assert.Equal(1, before["touchpoints_180d"]);
        Assert.Equal(0, before["last_renewal_arr_change"]);

        // Everything below is dated after the lead instant: events from the next day on, a detractor's answer, a new
        // urgent ticket, the old ticket closed, a touchpoint.
        await GivenEvidenceAfterTheLeadInstant();
        var after = await TrainingRow("leak-c1");

        Assert.Equal(before.Values, after.Values);
    }

    private async Task GivenEvidenceAfterTheLeadInstant()
    {
        await Engagement.IngestEventsAsync(
            Batch([.. Logins("leak", new DateOnly(2025, 10, 4), new DateOnly(2025, 12, 31), "after")]),
            cancellationToken: Ct);
        await Engagement.RecordNpsResponseAsync(
            new()
            {
                Response = BuildSignal.Nps(
                    "leak-nps-2", "leak", score: 0, respondent: "joe@example.com", at: "2025-10-04T00:00:01Z"),
            },
            cancellationToken: Ct);
        await Engagement.UpsertSupportTicketAsync(
            new()
            {
                Ticket = BuildSignal.Ticket("leak-t2", "leak", TicketSeverity.Urgent, opened: "2025-10-05T10:00:00Z"),
            }, cancellationToken: Ct);
        await Engagement.UpsertSupportTicketAsync(
            new()
            {
                Ticket = BuildSignal.Ticket(
                    "leak-t1", "leak", TicketSeverity.Normal, opened: "2025-09-20T10:00:00Z",
                    closed: "2025-10-10T10:00:00Z"),
            }, cancellationToken: Ct);
        await Engagement.RecordTouchpointAsync(
            new() { Touchpoint = BuildSignal.Touchpoint("leak-tp2", "leak", at: "2025-10-06T10:00:00Z") },
            cancellationToken: Ct);
    }

    private async Task<Domain.Renewals.RenewalFeatureVector> TrainingRow(string contract)
    {
        await using var scope = Service.Services.CreateAsyncScope();
        var (_, outcomes) = await scope.ServiceProvider.GetRequiredService<RenewalTraining>()
            .BuildTrainingSetAsync(90, Ct);
        return outcomes.Single(o => o.ContractId == contract).Features;
    }

    private static IEnumerable<UsageEvent> Logins(string account, DateOnly from, DateOnly to, string tag)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            foreach (var user in new[] { "u1", "u2", "u3" })
                yield return Event(
                    $"{account}-{tag}-{user}-{day:yyyyMMdd}", account, user, "login",
                    at: $"{day:yyyy-MM-dd}T09:00:00Z");
        }
    }

    [Fact]
    public async Task BadRequestsAreRejectedWithTheField()
    {
        await RejectsField(
            "target", () => Renewals.GetRenewalPredictionAsync(new(), cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "contract_id",
            () => Renewals.GetRenewalPredictionAsync(new() { ContractId = "bad id\n" }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_size", () => Renewals.ListUpcomingRenewalsAsync(new() { PageSize = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "within_days", () => Renewals.ListUpcomingRenewalsAsync(new() { WithinDays = 181 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "minimum_risk",
            () => Renewals.ListUpcomingRenewalsAsync(new() { MinimumRisk = (RenewalRisk)99 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "order_by",
            () => Renewals.ListUpcomingRenewalsAsync(new() { OrderBy = (UpcomingRenewalOrder)7 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_token",
            () => Renewals.ListUpcomingRenewalsAsync(new() { PageToken = "not-a-token" }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "after_sequence",
            () => Renewals.ListPredictionChangesAsync(new() { AfterSequence = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "lead_days", () => Renewals.TrainRenewalModelAsync(new() { LeadDays = 400 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "version", () => Renewals.GetRenewalModelAsync(new() { Version = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_token", () => Renewals.ListRenewalModelsAsync(new() { PageToken = "x" }, cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task UnknownTargetsAreNotFoundAndAClosedContractHasNoPrediction()
    {
        await FailsWith(
            StatusCode.NotFound,
            () => Renewals.GetRenewalPredictionAsync(new() { ContractId = "no-such-contract" }, cancellationToken: Ct)
            .ResponseAsync);
        await FailsWith(
            StatusCode.NotFound,
            () => Renewals.GetRenewalPredictionAsync(new() { AccountId = "no-such-account" }, cancellationToken: Ct)
            .ResponseAsync);
        await FailsWith(
            StatusCode.NotFound, () => Renewals.GetRenewalModelAsync(new() { Version = 99 }, cancellationToken: Ct)
            .ResponseAsync);

        await GivenContract("closed", "closed-c1", "2024-01-01", "2025-01-01");
        await RecordOutcome("closed-c1", renewed: false);
        var notOpen = await FailsWith(
            StatusCode.FailedPrecondition,
            () => Renewals.GetRenewalPredictionAsync(new() { ContractId = "closed-c1" }, cancellationToken: Ct)
            .ResponseAsync);
        Assert.Equal("CONTRACT_NOT_OPEN", notOpen.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        var none = await FailsWith(
            StatusCode.FailedPrecondition,
            () => Renewals.GetRenewalPredictionAsync(new() { AccountId = "closed" }, cancellationToken: Ct)
            .ResponseAsync);
        Assert.Equal("NO_OPEN_CONTRACT", none.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
    }
}
