using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Tests.Engagement;

public sealed class SignalsOnSqlite(SqliteTestDatabase database) : SignalTests<SqliteTestDatabase>(database);

public sealed class SignalsOnPostgreSql(PostgreSqlTestDatabase database)
    : SignalTests<PostgreSqlTestDatabase>(database);

public sealed class SignalsOnSqlServer(SqlServerTestDatabase database) : SignalTests<SqlServerTestDatabase>(database);

/// <summary>
/// NPS answers, support tickets and CSM touchpoints of customerhealth.v1.EngagementService through real gRPC calls, on
/// each database engine.
/// </summary>
public abstract class SignalTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const long MaxTimestampSeconds = 253_402_300_799;  // 9999-12-31T23:59:59Z
    private const long MinTimestampSeconds = -62_135_596_800;  // 0001-01-01T00:00:00Z

    private EngagementService.EngagementServiceClient Client => new(Service.Channel);

    private AccountService.AccountServiceClient Accounts => new(Service.Channel);

    private async Task GivenAccount(string id) =>
        await Accounts.UpsertAccountAsync(new() { Account = Build.Account(id) }, cancellationToken: Ct);

    private async Task<RecordNpsResponseResponse> Record(NpsResponse response) =>
        await Client.RecordNpsResponseAsync(new() { Response = response }, cancellationToken: Ct);

    private async Task<UpsertSupportTicketResponse> Upsert(SupportTicket ticket) =>
        await Client.UpsertSupportTicketAsync(new() { Ticket = ticket }, cancellationToken: Ct);

    private async Task<RecordTouchpointResponse> Record(Touchpoint touchpoint) =>
        await Client.RecordTouchpointAsync(new() { Touchpoint = touchpoint }, cancellationToken: Ct);

    private Task<int> StoredSignalsOf(string accountId) => Service.InDatabaseAsync(async db =>
        await db.NpsResponses.CountAsync(n => n.AccountId == accountId, Ct)
        + await db.SupportTickets.CountAsync(t => t.AccountId == accountId, Ct)
        + await db.Touchpoints.CountAsync(t => t.AccountId == accountId, Ct));

    [Fact]
    public async Task ConcurrentTicketUpsertsAndAnAccountDeleteAnswerAsIfOneCameAfterTheOther()
    {
        // A client racing its own retries of one ticket while the account is deleted: each upsert stores the ticket or
        // finds the account gone (NOT_FOUND), never an error of the service's own.
        for (var round = 0; round < 6; round++)
        {
            await GivenAccount("race-signals");
            await Upsert(BuildSignal.Ticket("race-ticket", "race-signals"));
            var ticket = BuildSignal.Ticket("race-ticket", "race-signals", subject: $"Round {round}");
            var upserts = Enumerable.Range(0, 8)
                .Select(_ => Xunit.Record.ExceptionAsync(async () => await Upsert(ticket)).AsTask()).ToArray();
            var delete = Accounts.DeleteAccountAsync(new() { AccountId = "race-signals" }, cancellationToken: Ct);

            var failures = await Task.WhenAll(upserts);
            await delete;

            Assert.All(failures,
                f => Assert.True(f is null or RpcException { StatusCode: StatusCode.NotFound }, $"{f}"));
            Assert.Equal(0, await StoredSignalsOf("race-signals"));
        }
    }

    [Fact]
    public async Task ARecordedNpsAnswerIsReturnedAsStoredAndListed()
    {
        await GivenAccount("nps-create");

        var recorded = await Record(
            BuildSignal.Nps(
                "nps-create-1", "nps-create", score: 7, respondent: "jane+nps@example.com",
                comment: "Solid.\nExports could be faster."));

        Assert.True(recorded.Created);
        Assert.Equal("nps-create-1", recorded.Response.ResponseId);
        Assert.Equal("nps-create", recorded.Response.AccountId);
        Assert.Equal("jane+nps@example.com", recorded.Response.RespondentId);
        Assert.Equal(7, recorded.Response.Score);
        Assert.Equal("Solid.\nExports could be faster.", recorded.Response.Comment);
        Assert.Equal(BuildSignal.Time("2026-03-14T09:00:00Z"), recorded.Response.AnswerTime);
        var listed = await Client.ListNpsResponsesAsync(new() { AccountId = "nps-create" }, cancellationToken: Ct);
        Assert.Equal([recorded.Response], listed.Responses);
        Assert.Equal("", listed.NextPageToken);
    }

    [Fact]
    public async Task AnOpenedTicketIsReturnedAsStoredAndListed()
    {
        await GivenAccount("ticket-create");

        var opened = await Upsert(
            BuildSignal.Ticket("ticket-create-1", "ticket-create", TicketSeverity.Urgent, subject: "Production down"));

        Assert.True(opened.Created);
        Assert.Equal("ticket-create-1", opened.Ticket.TicketId);
        Assert.Equal("ticket-create", opened.Ticket.AccountId);
        Assert.Equal(TicketSeverity.Urgent, opened.Ticket.Severity);
        Assert.Equal("Production down", opened.Ticket.Subject);
        Assert.Equal(BuildSignal.Time("2026-03-10T08:00:00Z"), opened.Ticket.OpenTime);
        Assert.Null(opened.Ticket.CloseTime);
        Assert.Equal(DefaultNow, opened.Ticket.UpdateTime.ToDateTimeOffset());
        var listed = await Client.ListSupportTicketsAsync(new() { AccountId = "ticket-create" }, cancellationToken: Ct);
        Assert.Equal([opened.Ticket], listed.Tickets);
    }

    [Fact]
    public async Task ARecordedTouchpointIsReturnedAsStoredAndListed()
    {
        await GivenAccount("touch-create");

        var recorded = await Record(
            BuildSignal.Touchpoint(
                "touch-create-1", "touch-create", TouchpointKind.Qbr, csm: "csm.bob@example.com",
                note: "QBR:\n- renewal\n- seats"));

        Assert.True(recorded.Created);
        Assert.Equal("touch-create-1", recorded.Touchpoint.TouchpointId);
        Assert.Equal("touch-create", recorded.Touchpoint.AccountId);
        Assert.Equal(TouchpointKind.Qbr, recorded.Touchpoint.Kind);
        Assert.Equal("csm.bob@example.com", recorded.Touchpoint.Csm);
        Assert.Equal("QBR:\n- renewal\n- seats", recorded.Touchpoint.Note);
        Assert.Equal(BuildSignal.Time("2026-03-12T15:00:00Z"), recorded.Touchpoint.OccurTime);
        var listed = await Client.ListTouchpointsAsync(new() { AccountId = "touch-create" }, cancellationToken: Ct);
        Assert.Equal([recorded.Touchpoint], listed.Touchpoints);
    }

    [Fact]
    public async Task RepeatingAWriteChangesNothing()
    {
        await GivenAccount("retry");
        var nps = await Record(BuildSignal.Nps("retry-nps", "retry"));
        var ticket = await Upsert(BuildSignal.Ticket("retry-ticket", "retry", closed: "2026-03-11T08:00:00Z"));
        var touchpoint = await Record(BuildSignal.Touchpoint("retry-touch", "retry"));
        Clock.Advance(TimeSpan.FromHours(1));

        var npsAgain = await Record(BuildSignal.Nps("retry-nps", "retry"));
        var ticketAgain = await Upsert(BuildSignal.Ticket("retry-ticket", "retry", closed: "2026-03-11T08:00:00Z"));
        var touchpointAgain = await Record(BuildSignal.Touchpoint("retry-touch", "retry"));

        Assert.False(npsAgain.Created);
        Assert.False(ticketAgain.Created);
        Assert.False(touchpointAgain.Created);
        Assert.Equal(nps.Response, npsAgain.Response);
        Assert.Equal(ticket.Ticket, ticketAgain.Ticket);
        Assert.Equal(touchpoint.Touchpoint, touchpointAgain.Touchpoint);
        Assert.Equal(3, await StoredSignalsOf("retry"));
        var updated = await Service.InDatabaseAsync(async db => new[]
        {
            (await db.NpsResponses.SingleAsync(n => n.Id == "retry-nps", Ct)).UpdatedAt,
            (await db.SupportTickets.SingleAsync(t => t.Id == "retry-ticket", Ct)).UpdatedAt,
            (await db.Touchpoints.SingleAsync(t => t.Id == "retry-touch", Ct)).UpdatedAt,
        });
        Assert.All(updated, at => Assert.Equal(DefaultNow.UtcDateTime, at));
    }

    [Fact]
    public async Task RecordingAnAnswerAgainCorrectsIt()
    {
        await GivenAccount("nps-fix");
        await Record(BuildSignal.Nps("nps-fix-1", "nps-fix", score: 9, comment: "Great"));
        Clock.Advance(TimeSpan.FromMinutes(10));

        var corrected = await Record(
            BuildSignal.Nps("nps-fix-1", "nps-fix", score: 3, comment: "", at: "2026-03-14T09:30:00Z"));

        Assert.False(corrected.Created);
        Assert.Equal(3, corrected.Response.Score);
        Assert.Equal("", corrected.Response.Comment);
        Assert.Equal(BuildSignal.Time("2026-03-14T09:30:00Z"), corrected.Response.AnswerTime);
        var listed = await Client.ListNpsResponsesAsync(new() { AccountId = "nps-fix" }, cancellationToken: Ct);
        Assert.Equal([corrected.Response], listed.Responses);
        var updatedAt = await Service.InDatabaseAsync(
            db => db.NpsResponses.Where(n => n.Id == "nps-fix-1").Select(n => n.UpdatedAt).SingleAsync(Ct));
        Assert.Equal(DefaultNow.AddMinutes(10).UtcDateTime, updatedAt);
    }

    [Fact]
    public async Task SettingACloseTimeClosesTheTicketAndMovesItsUpdateTime()
    {
        await GivenAccount("ticket-close");
        await Upsert(BuildSignal.Ticket("ticket-close-1", "ticket-close", TicketSeverity.High));
        Clock.Advance(TimeSpan.FromHours(2));

        var closed = await Upsert(
            BuildSignal.Ticket("ticket-close-1", "ticket-close", TicketSeverity.Low, closed: "2026-03-15T11:00:00Z"));

        Assert.False(closed.Created);
        Assert.Equal(TicketSeverity.Low, closed.Ticket.Severity);
        Assert.Equal(BuildSignal.Time("2026-03-15T11:00:00Z"), closed.Ticket.CloseTime);
        Assert.Equal(DefaultNow.AddHours(2), closed.Ticket.UpdateTime.ToDateTimeOffset());
        Assert.Empty(
            (await Client.ListSupportTicketsAsync(
                new() { AccountId = "ticket-close", OpenOnly = true }, cancellationToken: Ct)).Tickets);
    }

    [Fact]
    public async Task RecordingATouchpointAgainCorrectsIt()
    {
        await GivenAccount("touch-fix");
        await Record(BuildSignal.Touchpoint("touch-fix-1", "touch-fix", TouchpointKind.Call));

        var corrected = await Record(
            BuildSignal.Touchpoint(
                "touch-fix-1", "touch-fix", TouchpointKind.Meeting, csm: "csm.bob@example.com", note: ""));

        Assert.False(corrected.Created);
        Assert.Equal(TouchpointKind.Meeting, corrected.Touchpoint.Kind);
        Assert.Equal("csm.bob@example.com", corrected.Touchpoint.Csm);
        Assert.Equal("", corrected.Touchpoint.Note);
        Assert.Equal(
            [corrected.Touchpoint],
            (await Client.ListTouchpointsAsync(new() { AccountId = "touch-fix" }, cancellationToken: Ct)).Touchpoints);
    }

    [Fact]
    public async Task SignalsOfAnUnknownAccountAreNotFoundAndNotStored()
    {
        var writes = new Func<Task>[]
        {
            () => Record(BuildSignal.Nps("orphan-nps", "no-such-account")),
            () => Upsert(BuildSignal.Ticket("orphan-ticket", "no-such-account")),
            () => Record(BuildSignal.Touchpoint("orphan-touch", "no-such-account")),
            () =>
                Client.ListNpsResponsesAsync(new() { AccountId = "no-such-account" }, cancellationToken: Ct)
                    .ResponseAsync,
            () =>
                Client.ListSupportTicketsAsync(new() { AccountId = "no-such-account" }, cancellationToken: Ct)
                    .ResponseAsync,
            () =>
                Client.ListTouchpointsAsync(new() { AccountId = "no-such-account" }, cancellationToken: Ct)
                    .ResponseAsync,
        };

        foreach (var write in writes)
        {
            var status = await FailsWith(StatusCode.NotFound, write);
            Assert.Equal("no-such-account", status.GetDetail<ResourceInfo>()?.ResourceName);
        }
        Assert.Equal(0, await StoredSignalsOf("no-such-account"));
    }

    public static TheoryData<string, NpsResponse> InvalidNpsResponses => new()
    {
        { "response.response_id", BuildSignal.Nps(id: "") },
        { "response.response_id", BuildSignal.Nps(id: "bad id") },
        { "response.response_id", BuildSignal.Nps(id: new string('r', 129)) },
        { "response.account_id", BuildSignal.Nps(accountId: "") },
        { "response.account_id", BuildSignal.Nps(accountId: "bad id") },
        { "response.respondent_id", BuildSignal.Nps(respondent: "") },
        { "response.respondent_id", BuildSignal.Nps(respondent: "jane doe") },
        { "response.respondent_id", BuildSignal.Nps(respondent: "jane\u0001") },
        { "response.respondent_id", BuildSignal.Nps(respondent: new string('j', 129)) },
        { "response.score", BuildSignal.Nps(score: -1) },
        { "response.score", BuildSignal.Nps(score: 11) },
        { "response.comment", BuildSignal.Nps(comment: new string('c', 2001)) },
        { "response.comment", BuildSignal.Nps(comment: "bell\a") },
        { "response.answer_time", BuildSignal.Nps(at: null) },
        { "response.answer_time", BuildSignal.Nps(at: "2026-03-15T10:35:01Z") },
        { "response.answer_time",
            BuildSignal.With(BuildSignal.Nps(), n => n.AnswerTime = BuildSignal.RawTime(MaxTimestampSeconds + 1)) },
        { "response.answer_time",
            BuildSignal.With(BuildSignal.Nps(), n => n.AnswerTime = BuildSignal.RawTime(MinTimestampSeconds - 1)) },
        { "response.answer_time",
            BuildSignal.With(BuildSignal.Nps(), n => n.AnswerTime = BuildSignal.RawTime(1_773_482_400, nanos: -1)) },
        { "response.answer_time",
            BuildSignal.With(
                BuildSignal.Nps(), n => n.AnswerTime = BuildSignal.RawTime(1_773_482_400, nanos: 1_000_000_000)) },
    };

    [Theory]
    [MemberData(nameof(InvalidNpsResponses))]
    public async Task EachNpsRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(string field, NpsResponse response)
    {
        await GivenAccount("acme");

        await RejectsField(field, () => Record(response));

        Assert.Equal(
            0, await Service.InDatabaseAsync(db => db.NpsResponses.CountAsync(n => n.Id == response.ResponseId, Ct)));
    }

    public static TheoryData<string, SupportTicket> InvalidTickets => new()
    {
        { "ticket.ticket_id", BuildSignal.Ticket(id: "") },
        { "ticket.ticket_id", BuildSignal.Ticket(id: "bad id") },
        { "ticket.account_id", BuildSignal.Ticket(accountId: "") },
        { "ticket.account_id", BuildSignal.Ticket(accountId: new string('a', 129)) },
        { "ticket.severity", BuildSignal.Ticket(severity: TicketSeverity.Unspecified) },
        { "ticket.severity", BuildSignal.Ticket(severity: (TicketSeverity)9) },
        { "ticket.subject", BuildSignal.Ticket(subject: new string('s', 201)) },
        { "ticket.subject", BuildSignal.Ticket(subject: "two\nlines") },
        { "ticket.open_time", BuildSignal.Ticket(opened: null) },
        { "ticket.open_time", BuildSignal.Ticket(opened: "2026-03-15T10:36:00Z") },
        { "ticket.open_time",
            BuildSignal.With(BuildSignal.Ticket(), t => t.OpenTime = BuildSignal.RawTime(MaxTimestampSeconds + 1)) },
        { "ticket.close_time", BuildSignal.Ticket(opened: "2026-03-10T08:00:00Z", closed: "2026-03-10T07:59:59Z") },
        { "ticket.close_time", BuildSignal.Ticket(closed: "2026-03-15T10:36:00Z") },
        { "ticket.close_time",
            BuildSignal.With(BuildSignal.Ticket(), t => t.CloseTime = BuildSignal.RawTime(1_773_482_400, nanos: -5)) },
    };

    [Theory]
    [MemberData(nameof(InvalidTickets))]
    public async Task EachTicketRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(string field, SupportTicket ticket)
    {
        await GivenAccount("acme");

        await RejectsField(field, () => Upsert(ticket));

        Assert.Equal(
            0, await Service.InDatabaseAsync(db => db.SupportTickets.CountAsync(t => t.Id == ticket.TicketId, Ct)));
    }

    public static TheoryData<string, Touchpoint> InvalidTouchpoints => new()
    {
        { "touchpoint.touchpoint_id", BuildSignal.Touchpoint(id: "") },
        { "touchpoint.touchpoint_id", BuildSignal.Touchpoint(id: "bad id") },
        { "touchpoint.account_id", BuildSignal.Touchpoint(accountId: "bad id") },
        { "touchpoint.kind", BuildSignal.Touchpoint(kind: TouchpointKind.Unspecified) },
        { "touchpoint.kind", BuildSignal.Touchpoint(kind: (TouchpointKind)7) },
        { "touchpoint.csm", BuildSignal.Touchpoint(csm: "") },
        { "touchpoint.csm", BuildSignal.Touchpoint(csm: "   ") },
        { "touchpoint.csm", BuildSignal.Touchpoint(csm: new string('c', 255)) },
        { "touchpoint.csm", BuildSignal.Touchpoint(csm: "csm\u0001") },
        { "touchpoint.note", BuildSignal.Touchpoint(note: new string('n', 2001)) },
        { "touchpoint.note", BuildSignal.Touchpoint(note: "bell\a") },
        { "touchpoint.occur_time", BuildSignal.Touchpoint(at: null) },
        { "touchpoint.occur_time", BuildSignal.Touchpoint(at: "2026-03-16T00:00:00Z") },
        { "touchpoint.occur_time",
            BuildSignal.With(
                BuildSignal.Touchpoint(), t => t.OccurTime = BuildSignal.RawTime(MinTimestampSeconds - 1)) },
    };

    [Theory]
    [MemberData(nameof(InvalidTouchpoints))]
    public async Task EachTouchpointRuleIsInvalidArgumentNamingTheFieldAndWritesNothing(
        string field, Touchpoint touchpoint)
    {
        await GivenAccount("acme");

        await RejectsField(field, () => Record(touchpoint));

        Assert.Equal(
            0,
            await Service.InDatabaseAsync(db => db.Touchpoints.CountAsync(t => t.Id == touchpoint.TouchpointId, Ct)));
    }

    [Fact]
    public async Task MissingMessagesAreInvalidArgument()
    {
        await RejectsField(
            "response", () => Client.RecordNpsResponseAsync(new RecordNpsResponseRequest(), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "ticket", () => Client.UpsertSupportTicketAsync(new UpsertSupportTicketRequest(), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "touchpoint", () => Client.RecordTouchpointAsync(new RecordTouchpointRequest(), cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task AllViolationsOfARequestAreReportedTogether()
    {
        var badRequest = await RejectsField(
            "response.score", () => Record(BuildSignal.Nps(score: 12, respondent: "", at: null)));

        Assert.Equal(
            ["response.respondent_id", "response.score", "response.answer_time"],
            badRequest.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task InstantsUpToFiveMinutesAheadOfTheServerClockAreAccepted()
    {
        await GivenAccount("skew");

        var answer = await Record(BuildSignal.Nps("skew-nps", "skew", at: "2026-03-15T10:35:00Z"));
        var ticket = await Upsert(
            BuildSignal.Ticket("skew-ticket", "skew", opened: "2026-03-15T10:34:00Z", closed: "2026-03-15T10:35:00Z"));
        var touchpoint = await Record(BuildSignal.Touchpoint("skew-touch", "skew", at: "2026-03-15T10:35:00Z"));

        Assert.True(answer.Created);
        Assert.True(ticket.Created);
        Assert.True(touchpoint.Created);
    }

    [Fact]
    public async Task InstantsAreKeptToTheMicrosecondSoARepeatStaysIdempotentOnEveryEngine()
    {
        await GivenAccount("micros");
        var answer = BuildSignal.With(BuildSignal.Nps("micros-nps", "micros"), n => n.AnswerTime.Nanos = 123_456_789);
        var ticket = BuildSignal.With(
            BuildSignal.Ticket("micros-ticket", "micros", closed: "2026-03-11T00:00:00Z"),
            t => t.CloseTime.Nanos = 999_999_999);

        var first = await Record(answer);
        var firstTicket = await Upsert(ticket);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var repeat = await Record(answer);
        var repeatTicket = await Upsert(ticket);

        Assert.False(repeat.Created);
        Assert.Equal(first.Response, repeat.Response);
        Assert.Equal(firstTicket.Ticket, repeatTicket.Ticket);
        var updatedAt = await Service.InDatabaseAsync(
            db => db.NpsResponses.Where(n => n.Id == "micros-nps").Select(n => n.UpdatedAt).SingleAsync(Ct));
        Assert.Equal(DefaultNow.UtcDateTime, updatedAt);
        Assert.Equal(
            [first.Response],
            (await Client.ListNpsResponsesAsync(new() { AccountId = "micros" }, cancellationToken: Ct)).Responses);
        Assert.Equal(123_456_000, first.Response.AnswerTime.Nanos);
        Assert.Equal(999_999_000, firstTicket.Ticket.CloseTime.Nanos);
    }

    [Fact]
    public async Task NpsAnswersAreListedNewestFirstPageByPageAndStayStableWhileAnswersArrive()
    {
        await GivenAccount("nps-page");
        await Record(BuildSignal.Nps("a", "nps-page", at: "2026-03-01T00:00:00Z"));
        await Record(BuildSignal.Nps("c2", "nps-page", at: "2026-03-10T00:00:00Z"));
        await Record(BuildSignal.Nps("e", "nps-page", at: "2026-03-12T00:00:00Z"));
        await Record(BuildSignal.Nps("b", "nps-page", at: "2026-03-05T00:00:00Z"));
        await Record(BuildSignal.Nps("c1", "nps-page", at: "2026-03-10T00:00:00Z"));

        var pages = new List<string>();
        var token = "";
        do
        {
            var page = await Client.ListNpsResponsesAsync(
                new() { AccountId = "nps-page", PageSize = 2, PageToken = token }, cancellationToken: Ct);
            pages.Add(string.Join(",", page.Responses.Select(r => r.ResponseId)));
            token = page.NextPageToken;
            if (pages.Count == 1) await Record(BuildSignal.Nps("newest", "nps-page", at: "2026-03-15T09:00:00Z"));
        }
        while (token != "");

        Assert.Equal(["e,c1", "c2,b", "a"], pages);
        var all = await Client.ListNpsResponsesAsync(new() { AccountId = "nps-page" }, cancellationToken: Ct);
        Assert.Equal(["newest", "e", "c1", "c2", "b", "a"], all.Responses.Select(r => r.ResponseId));
    }

    [Fact]
    public async Task TicketsAreListedNewestOpenedFirstAndOpenOnlyLeavesOutClosedOnes()
    {
        await GivenAccount("ticket-page");
        await Upsert(
            BuildSignal.Ticket("t1", "ticket-page", opened: "2026-03-01T00:00:00Z", closed: "2026-03-02T00:00:00Z"));
        await Upsert(BuildSignal.Ticket("t2", "ticket-page", opened: "2026-03-05T00:00:00Z"));
        await Upsert(
            BuildSignal.Ticket("t3", "ticket-page", opened: "2026-03-08T00:00:00Z", closed: "2026-03-09T00:00:00Z"));
        await Upsert(BuildSignal.Ticket("t4", "ticket-page", opened: "2026-03-10T00:00:00Z"));
        await Upsert(BuildSignal.Ticket("t5", "ticket-page", opened: "2026-03-12T00:00:00Z"));

        var all = await Client.ListSupportTicketsAsync(new() { AccountId = "ticket-page" }, cancellationToken: Ct);
        var openFirst = await Client.ListSupportTicketsAsync(
            new() { AccountId = "ticket-page", OpenOnly = true, PageSize = 2 }, cancellationToken: Ct);
        var openSecond = await Client.ListSupportTicketsAsync(
            new() { AccountId = "ticket-page", OpenOnly = true, PageSize = 2, PageToken = openFirst.NextPageToken },
            cancellationToken: Ct);

        Assert.Equal(["t5", "t4", "t3", "t2", "t1"], all.Tickets.Select(t => t.TicketId));
        Assert.Equal(["t5", "t4"], openFirst.Tickets.Select(t => t.TicketId));
        Assert.Equal(["t2"], openSecond.Tickets.Select(t => t.TicketId));
        Assert.Equal("", openSecond.NextPageToken);
    }

    [Fact]
    public async Task TouchpointsAreListedMostRecentFirstPageByPage()
    {
        await GivenAccount("touch-page");
        await Record(BuildSignal.Touchpoint("p1", "touch-page", at: "2026-02-01T10:00:00Z"));
        await Record(BuildSignal.Touchpoint("p3", "touch-page", at: "2026-03-01T10:00:00Z"));
        await Record(BuildSignal.Touchpoint("p2", "touch-page", at: "2026-02-15T10:00:00Z"));

        var first = await Client.ListTouchpointsAsync(
            new() { AccountId = "touch-page", PageSize = 2 }, cancellationToken: Ct);
        var second = await Client.ListTouchpointsAsync(
            new() { AccountId = "touch-page", PageSize = 2, PageToken = first.NextPageToken }, cancellationToken: Ct);

        Assert.Equal(["p3", "p2"], first.Touchpoints.Select(t => t.TouchpointId));
        Assert.Equal(["p1"], second.Touchpoints.Select(t => t.TouchpointId));
        Assert.Equal("", second.NextPageToken);
    }

    [Fact]
    public async Task APageTokenIsRejectedWithOtherFiltersOrWhenForged()
    {
        await GivenAccount("token-a");
        await GivenAccount("token-b");
        await Upsert(BuildSignal.Ticket("token-t1", "token-a", opened: "2026-03-01T00:00:00Z"));
        await Upsert(BuildSignal.Ticket("token-t2", "token-a", opened: "2026-03-02T00:00:00Z"));
        await Record(BuildSignal.Nps("token-n1", "token-a", at: "2026-03-01T00:00:00Z"));
        await Record(BuildSignal.Nps("token-n2", "token-a", at: "2026-03-02T00:00:00Z"));
        var tickets = await Client.ListSupportTicketsAsync(
            new() { AccountId = "token-a", OpenOnly = true, PageSize = 1 }, cancellationToken: Ct);
        var answers = await Client.ListNpsResponsesAsync(
            new() { AccountId = "token-a", PageSize = 1 }, cancellationToken: Ct);
        Assert.NotEqual("", tickets.NextPageToken);
        Assert.NotEqual("", answers.NextPageToken);

        await RejectsField(
            "page_token",
            () => Client.ListSupportTicketsAsync(
                new() { AccountId = "token-a", PageSize = 1, PageToken = tickets.NextPageToken }, cancellationToken: Ct)
                .ResponseAsync);
        await RejectsField(
            "page_token",
            () => Client.ListNpsResponsesAsync(
                new() { AccountId = "token-b", PageToken = answers.NextPageToken }, cancellationToken: Ct)
                .ResponseAsync);
        await RejectsField(
            "page_token",
            () => Client.ListTouchpointsAsync(
                new() { AccountId = "token-a", PageToken = answers.NextPageToken }, cancellationToken: Ct)
                .ResponseAsync);
        await RejectsField(
            "page_token",
            () => Client.ListTouchpointsAsync(
                new() { AccountId = "token-a", PageToken = "not-a-token!" }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "page_size",
            () => Client.ListNpsResponsesAsync(new() { AccountId = "token-a", PageSize = -1 }, cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "page_size",
            () => Client.ListSupportTicketsAsync(
                new() { AccountId = "token-a", PageSize = 1001 }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "account_id", () => Client.ListTouchpointsAsync(new() { AccountId = "" }, cancellationToken: Ct)
            .ResponseAsync);
    }

    [Fact]
    public async Task NoSignalCanMoveToAnotherAccount()
    {
        await GivenAccount("mover-a");
        await GivenAccount("mover-b");
        await Record(BuildSignal.Nps("mover-nps", "mover-a"));
        await Upsert(BuildSignal.Ticket("mover-ticket", "mover-a"));
        await Record(BuildSignal.Touchpoint("mover-touch", "mover-a"));
        var moves = new Func<Task>[]
        {
            () => Record(BuildSignal.Nps("mover-nps", "mover-b")),
            () => Upsert(BuildSignal.Ticket("mover-ticket", "mover-b")),
            () => Record(BuildSignal.Touchpoint("mover-touch", "mover-b")),
        };

        foreach (var move in moves)
        {
            var status = await FailsWith(StatusCode.FailedPrecondition, move);
            Assert.Equal("ACCOUNT_IMMUTABLE", status.GetDetail<ErrorInfo>()?.Reason);
            Assert.NotNull(status.GetDetail<PreconditionFailure>());
        }
        Assert.Equal(3, await StoredSignalsOf("mover-a"));
        Assert.Equal(0, await StoredSignalsOf("mover-b"));
    }

    [Fact]
    public async Task DeletingAnAccountDeletesItsNpsAnswersTicketsAndTouchpoints()
    {
        foreach (var account in new[] { "doomed", "spared" })
        {
            await GivenAccount(account);
            await Record(BuildSignal.Nps($"{account}-nps", account));
            await Upsert(BuildSignal.Ticket($"{account}-ticket", account));
            await Record(BuildSignal.Touchpoint($"{account}-touch", account));
        }

        await Accounts.DeleteAccountAsync(new() { AccountId = "doomed" }, cancellationToken: Ct);

        Assert.Equal(0, await StoredSignalsOf("doomed"));
        Assert.Equal(3, await StoredSignalsOf("spared"));
        await FailsWith(
            StatusCode.NotFound,
            () => Client.ListNpsResponsesAsync(new() { AccountId = "doomed" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task ConcurrentFirstRecordsOfOneAnswerStoreItOnce()
    {
        await GivenAccount("race");
        var calls = Enumerable.Range(0, 8).Select(_ => Record(BuildSignal.Nps("race-nps", "race")));

        var responses = await Task.WhenAll(calls);

        Assert.Contains(responses, r => r.Created);
        Assert.All(responses, r => Assert.Equal("race-nps", r.Response.ResponseId));
        Assert.Equal(1, await Service.InDatabaseAsync(db => db.NpsResponses.CountAsync(n => n.Id == "race-nps", Ct)));
    }
}
