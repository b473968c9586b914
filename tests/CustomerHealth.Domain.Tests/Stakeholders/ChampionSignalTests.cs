using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;

namespace CustomerHealth.Domain.Tests.Stakeholders;

public sealed class ChampionSignalTests
{
    private static readonly DateOnly March1 = new(2026, 3, 1);

    [Fact]
    public void ALeftChampionAlertsWhileNoChampionIsInPlace()
    {
        var left = new ChampionFacts("ann", Left: true, March1, Linked: false, ActiveInWindow: false);

        var alert = Assert.Single(ChampionSignals.Assess([left], accountActiveInWindow: true, quietDays: 21));
        Assert.Equal(new ChampionAlert("ann", ChampionAlertKind.Left, March1, 0), alert);

        var successor = new ChampionFacts("bob", Left: false, null, Linked: true, ActiveInWindow: true);
        Assert.Empty(ChampionSignals.Assess([left, successor], accountActiveInWindow: true, quietDays: 21));
    }

    [Fact]
    public void ALinkedChampionGoesQuietOnlyWhileOthersAreActive()
    {
        var quiet = new ChampionFacts("ann", Left: false, null, Linked: true, ActiveInWindow: false);

        var alert = Assert.Single(ChampionSignals.Assess([quiet], accountActiveInWindow: true, quietDays: 21));
        Assert.Equal((ChampionAlertKind.Quiet, 21), (alert.Kind, alert.QuietDays));
        // The whole account silent is the no-activity rule's business, not the champion's.
        Assert.Empty(ChampionSignals.Assess([quiet], accountActiveInWindow: false, quietDays: 21));
    }

    [Fact]
    public void AnActiveOrUnlinkedChampionRaisesNothing()
    {
        ChampionFacts[] champions =
        [
            new("ann", Left: false, null, Linked: true, ActiveInWindow: true),
            new("bob", Left: false, null, Linked: false, ActiveInWindow: false),
        ];

        Assert.Empty(ChampionSignals.Assess(champions, accountActiveInWindow: true, quietDays: 21));
    }

    [Fact]
    public void AContactKeepsTheDayItWasMarkedLeftUntilItIsUnmarked()
    {
        var now = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        var details = new ContactDetails("c1", "acme", " Ann ", "ann@acme.test", null, ContactRole.Champion, "u1",
            Left: false);
        var contact = Contact.Create(details, now);
        Assert.Equal(("Ann", false), (contact.DisplayName, contact.Left));

        Assert.True(contact.Update(details with { Left = true }, now));
        Assert.False(contact.Update(details with { Left = true }, now.AddDays(5)));
        Assert.Equal(March1, contact.LeftOn);
        Assert.True(contact.Update(details, now.AddDays(6)));
        Assert.Null(contact.LeftOn);
    }

    [Fact]
    public void AContactCannotMoveToAnotherAccount()
    {
        var now = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        var details = new ContactDetails("c1", "acme", "Ann", null, null, ContactRole.Sponsor, null, Left: false);
        var contact = Contact.Create(details, now);

        var moved = Assert.Throws<RuleViolationException>(
            () => contact.Update(details with { AccountId = "globex" }, now));
        Assert.Equal("CONTACT_ACCOUNT_MISMATCH", moved.Reason);
    }
}
