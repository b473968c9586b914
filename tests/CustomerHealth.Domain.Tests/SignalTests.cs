using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Domain.Tests;

public sealed class SignalTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Opened = Now.AddDays(-2);
    private static readonly DateTime Closed = Now.AddDays(-1);

    private static NpsResponse Answer(int score = 9, string? comment = "Great") =>
        NpsResponse.Create("r1", "acme", "user-1", score, comment, Now.AddHours(-1), Now);

    private static SupportTicket Ticket(DateTime? closedAt = null) =>
        SupportTicket.Create("t1", "acme", TicketSeverity.High, "Export fails", Opened, closedAt, Now);

    private static Touchpoint Call() =>
        Touchpoint.Create(
            "tp1", "acme", TouchpointKind.Call, Now.AddHours(-3), "csm.alice@example.com", "Kick-off", Now);

    [Theory]
    [InlineData(0, NpsCategory.Detractor)]
    [InlineData(6, NpsCategory.Detractor)]
    [InlineData(7, NpsCategory.Passive)]
    [InlineData(8, NpsCategory.Passive)]
    [InlineData(9, NpsCategory.Promoter)]
    [InlineData(10, NpsCategory.Promoter)]
    public void AScoreFallsIntoItsNpsCategory(int score, NpsCategory expected)
    {
        Assert.Equal(expected, NpsResponse.Categorize(score));
        Assert.Equal(expected, Answer(score).Category);
    }

    [Fact]
    public void ATicketIsOpenFromItsOpenTimeUntilItsCloseTime()
    {
        var ticket = Ticket(closedAt: Closed);

        Assert.False(ticket.IsOpenAt(Opened.AddTicks(-1)));
        Assert.True(ticket.IsOpenAt(Opened));
        Assert.True(ticket.IsOpenAt(Closed.AddTicks(-1)));
        Assert.False(ticket.IsOpenAt(Closed));
    }

    [Fact]
    public void ATicketWithoutACloseTimeStaysOpen() =>
        Assert.True(Ticket().IsOpenAt(Now.AddYears(5)));

    [Fact]
    public void ATicketCannotBeCreatedClosedBeforeItWasOpened()
    {
        var ex = Assert.Throws<ValidationException>(() => Ticket(closedAt: Opened.AddSeconds(-1)));

        Assert.Equal("ticket.close_time", ex.Violations.Single().Field);
    }

    [Fact]
    public void ATicketCannotBeUpdatedToCloseBeforeItWasOpened()
    {
        var ticket = Ticket();

        var ex = Assert.Throws<ValidationException>(
            () => ticket.Update("acme", TicketSeverity.High, "Export fails", Opened, Opened.AddSeconds(-1), Now));

        Assert.Equal("ticket.close_time", ex.Violations.Single().Field);
        Assert.Null(ticket.ClosedAt);
    }

    [Fact]
    public void UpdatingAnAnswerWithTheSameValuesChangesNothing()
    {
        var answer = Answer(comment: "  Great  ");

        var changed = answer.Update("acme", "user-1", 9, "Great", answer.AnsweredAt, Now.AddHours(1));

        Assert.False(changed);
        Assert.Equal(Now, answer.UpdatedAt);
    }

    [Fact]
    public void UpdatingATicketWithTheSameValuesChangesNothing()
    {
        var ticket = Ticket(closedAt: Closed);

        var changed = ticket.Update("acme", TicketSeverity.High, "Export fails ", Opened, Closed, Now.AddHours(1));

        Assert.False(changed);
        Assert.Equal(Now, ticket.UpdatedAt);
    }

    [Fact]
    public void UpdatingATouchpointWithTheSameValuesChangesNothing()
    {
        var call = Call();

        var changed = call.Update(
            "acme", TouchpointKind.Call, call.OccurredAt, " csm.alice@example.com", "Kick-off", Now.AddHours(1));

        Assert.False(changed);
        Assert.Equal(Now, call.UpdatedAt);
    }

    [Fact]
    public void ABlankCommentIsStoredAsNoComment()
    {
        var answer = Answer(comment: "   ");

        Assert.Null(answer.Comment);
        Assert.False(answer.Update("acme", "user-1", 9, null, answer.AnsweredAt, Now.AddHours(1)));
    }

    [Fact]
    public void ACorrectionChangesTheFieldsAndTheUpdateTime()
    {
        var answer = Answer(score: 9);
        var later = Now.AddHours(1);

        var changed = answer.Update("acme", "user-1", 4, "Got worse", answer.AnsweredAt, later);

        Assert.True(changed);
        Assert.Equal(4, answer.Score);
        Assert.Equal(NpsCategory.Detractor, answer.Category);
        Assert.Equal("Got worse", answer.Comment);
        Assert.Equal(later, answer.UpdatedAt);
        Assert.Equal(Now, answer.CreatedAt);
    }

    [Fact]
    public void ClosingATicketIsAChange()
    {
        var ticket = Ticket();

        Assert.True(ticket.Update("acme", TicketSeverity.High, "Export fails", Opened, Closed, Now.AddHours(1)));
        Assert.Equal(Closed, ticket.ClosedAt);
    }

    [Fact]
    public void NoSignalCanMoveToAnotherAccount()
    {
        var moves = new Action[]
        {
            () => Answer().Update("globex", "user-1", 9, "Great", Now, Now),
            () => Ticket().Update("globex", TicketSeverity.High, "Export fails", Opened, null, Now),
            () => Call().Update("globex", TouchpointKind.Call, Now, "csm.alice@example.com", null, Now),
        };

        Assert.All(
            moves, move => Assert.Equal("ACCOUNT_IMMUTABLE", Assert.Throws<RuleViolationException>(move).Reason));
    }
}
