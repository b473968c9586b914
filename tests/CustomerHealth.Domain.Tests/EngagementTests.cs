using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;

namespace CustomerHealth.Domain.Tests;

public sealed class EventRulesTests
{
    private static readonly DateTime Now = new(2026, 3, 15, 10, 0, 0, DateTimeKind.Utc);
    private static readonly EventRules Rules = new();

    private static UsageEvent Event(
        string id = "e1", string account = "acme", string user = "u1", string name = "login", DateTime? at = null,
        double? quantity = null,
        Dictionary<string, string>? properties = null) =>
        new(id, account, user, name, at ?? Now.AddHours(-1), quantity, properties ?? []);

    [Fact]
    public void AWellFormedEventPasses() => Assert.Null(Rules.Check(Event(), Now));

    [Fact]
    public void EventsUpToFiveMinutesAheadAreAcceptedBeyondThatRejected()
    {
        Assert.Null(Rules.Check(Event(at: Now.AddMinutes(5)), Now));
        Assert.Equal(
            EventRejectionReason.InFuture, Rules.Check(Event(at: Now.AddMinutes(5).AddSeconds(1)), Now)?.Reason);
    }

    [Fact]
    public void EventsOlderThanTheRetentionAreRejected()
    {
        var firstKept = Rules.FirstRetainedDay(DateOnly.FromDateTime(Now))
            .ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        Assert.Null(Rules.Check(Event(at: firstKept), Now));
        Assert.Equal(EventRejectionReason.TooOld, Rules.Check(Event(at: firstKept.AddTicks(-1)), Now)?.Reason);
        Assert.Equal(new DateOnly(2025, 2, 8), Rules.FirstRetainedDay(new DateOnly(2026, 3, 15)));
    }

    [Theory]
    [InlineData("", "u1", "login", EventRejectionReason.MissingField)]
    [InlineData("e 1", "u1", "login", EventRejectionReason.InvalidField)]
    [InlineData("e1", "", "login", EventRejectionReason.MissingField)]
    [InlineData("e1", "jane+test@example.com", "login", null)]
    [InlineData("e1", "u1", " login", EventRejectionReason.InvalidField)]
    [InlineData("e1", "u1", "Report Exported", null)]
    public void FieldsAreCheckedInOrder(string id, string user, string name, EventRejectionReason? expected) =>
        Assert.Equal(expected, Rules.Check(Event(id, user: user, name: name), Now)?.Reason);

    [Fact]
    public void QuantitiesMustBeFiniteAndNonNegative()
    {
        Assert.Null(Rules.Check(Event(quantity: 0), Now));
        Assert.Equal(
            EventRejectionReason.InvalidField, Rules.Check(Event(quantity: double.PositiveInfinity), Now)?.Reason);
        Assert.Equal(EventRejectionReason.InvalidField, Rules.Check(Event(quantity: -0.5), Now)?.Reason);
    }

    [Fact]
    public void PropertiesAreBounded()
    {
        var many = Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", _ => "v");
        Assert.Equal(EventRejectionReason.TooLong, Rules.Check(Event(properties: many), Now)?.Reason);
        Assert.Equal(
            EventRejectionReason.TooLong,
            Rules.Check(Event(properties: new() { ["k"] = new string('v', 513) }), Now)?.Reason);
        Assert.Null(Rules.Check(Event(properties: new() { ["plan"] = "pro" }), Now));
    }
}

public sealed class EventCatalogueTests
{
    [Fact]
    public void WithoutActiveNamesEveryEventIsActivity()
    {
        var catalogue = new EventCatalogue(
            [new CatalogueEntry("export", Active: false, KeyFeature: true, FirstValue: false, null)]);

        Assert.True(catalogue.EveryEventIsActive);
        Assert.True(catalogue.IsActive("anything"));
        Assert.True(catalogue.IsKeyFeature("export"));
        Assert.False(catalogue.IsKeyFeature("login"));
    }

    [Fact]
    public void WithActiveNamesOnlyThoseCount()
    {
        var catalogue = new EventCatalogue(
            [new CatalogueEntry("login", true, false, false, null),
            new CatalogueEntry("first_report", false, false, true, null)]);

        Assert.True(catalogue.IsActive("login"));
        Assert.False(catalogue.IsActive("first_report"));
        Assert.Equal(["first_report"], catalogue.FirstValueEvents);
    }

    [Fact]
    public void DuplicateOrBadNamesAreRejectedWithTheirPosition()
    {
        var ex = Assert.Throws<ValidationException>(() => EventCatalogue.Validate(
            [new CatalogueEntry("login", true, false, false, null),
                new CatalogueEntry("login", false, false, false, null),
                new CatalogueEntry("", false, false, false, null)]));

        Assert.Equal(
            ["catalogue.events[1].event_name", "catalogue.events[2].event_name"], ex.Violations.Select(v => v.Field));
    }
}

public sealed class RollupDeltasTests
{
    private static UsageEvent At(string user, string name, int day, int hour = 10, string account = "acme") =>
        new($"{user}-{name}-{day}-{hour}", account, user, name,
            new DateTime(2026, 3, day, hour, 0, 0, DateTimeKind.Utc), null, new Dictionary<string, string>());

    [Fact]
    public void EventsAreGroupedPerUserDayAndPerKeyFeatureDay()
    {
        var catalogue = new EventCatalogue(
            [new CatalogueEntry("login", true, false, false, null),
            new CatalogueEntry("export", false, true, false, null)]);

        var (users, features) = RollupDeltas.From(
            [At("ann", "login", 2), At("ann", "export", 2), At("ann", "login", 3), At("bob", "export", 2, 23)],
            catalogue);

        Assert.Equal(
            [new UserDayDelta("acme", new DateOnly(2026, 3, 2), "ann", 2, 1),
                new UserDayDelta("acme", new DateOnly(2026, 3, 2), "bob", 1, 0),
                new UserDayDelta("acme", new DateOnly(2026, 3, 3), "ann", 1, 1)],
            users);
        Assert.Equal([new FeatureDayDelta("acme", new DateOnly(2026, 3, 2), "export", 2)], features);
    }

    [Fact]
    public void DeltasComeInOrdinalKeyOrderWhateverTheOrderOfTheEvents()
    {
        var catalogue = new EventCatalogue(
            [new CatalogueEntry("login", true, true, false, null),
            new CatalogueEntry("Export", false, true, false, null)]);
        var random = new Random(7);
        // Ids that a culture-aware or case-insensitive order would sort differently, days and names interleaved.
        string[] accounts = ["b", "B", "a-2", "a10", "a2", "ä"], users = ["zed", "Ann", "ann", "bob"],
            names = ["login", "Export", "view"];
        var events = Enumerable.Range(0, 400)
            .Select(
                _ => At(
                    users[random.Next(users.Length)], names[random.Next(names.Length)], 1 + random.Next(5),
                    account: accounts[random.Next(accounts.Length)])).ToArray();

        var (users1, features) = RollupDeltas.From(events, catalogue);

        var expectedUsers = events.GroupBy(e => (e.AccountId, e.Day, e.UserId))
            .Select(
                g => new UserDayDelta(
                    g.Key.AccountId, g.Key.Day, g.Key.UserId, g.Count(), g.Count(e => e.EventName == "login")))
            .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Day)
                .ThenBy(d => d.UserId, StringComparer.Ordinal);
        Assert.Equal(expectedUsers, users1);
        var expectedFeatures = events.Where(e => e.EventName != "view").GroupBy(e => (e.AccountId, e.Day, e.EventName))
            .Select(g => new FeatureDayDelta(g.Key.AccountId, g.Key.Day, g.Key.EventName, g.Count()))
            .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Day)
                .ThenBy(d => d.Feature, StringComparer.Ordinal);
        Assert.Equal(expectedFeatures, features);

        var accountDays = RollupDeltas.ForAccounts(users1.Select(d => (d, d.Events, d.ActiveEvents)));
        var expectedAccountDays = users1.GroupBy(d => (d.AccountId, d.Day))
            .Select(
                g => new AccountDayDelta(
                    g.Key.AccountId, g.Key.Day, g.Sum(d => d.Events), g.Count(), g.Count(d => d.ActiveEvents > 0)))
            .OrderBy(d => d.AccountId, StringComparer.Ordinal).ThenBy(d => d.Day);
        Assert.Equal(expectedAccountDays, accountDays);
    }

    [Fact]
    public void AccountDaysCountUsersOnlyWhenTheirDayRowIsNewOrNewlyActive()
    {
        var day = new DateOnly(2026, 3, 2);
        var applied = new[]
        {
            (new UserDayDelta("acme", day, "ann", 2, 1), EventsAfter: 2, ActiveAfter: 1),   // new row, newly active
            // existing row, already active
            (new UserDayDelta("acme", day, "bob", 1, 0), EventsAfter: 4, ActiveAfter: 2),
            // existing row, first active event
            (new UserDayDelta("acme", day, "cy", 1, 1), EventsAfter: 3, ActiveAfter: 1),
        };

        var account = Assert.Single(RollupDeltas.ForAccounts(applied));

        Assert.Equal(new AccountDayDelta("acme", day, 4, 1, 2), account);
    }
}

public sealed class ActiveDayBlocksTests
{
    private static readonly DateOnly Day = new(2026, 3, 2);

    [Fact]
    public void ADayIsOneBitOfOneBlockAndEveryDayOfABlockHasItsOwnBit()
    {
        var block = ActiveDayBlocks.BlockOf(Day);
        var first = ActiveDayBlocks.FirstDayOf(block);
        var bits = Enumerable.Range(0, ActiveDayBlocks.Length).Select(i => first.AddDays(i)).ToArray();

        Assert.All(bits, d => Assert.Equal(block, ActiveDayBlocks.BlockOf(d)));
        Assert.Equal(ActiveDayBlocks.LastDayOf(block), bits[^1]);
        Assert.Equal(block + 1, ActiveDayBlocks.BlockOf(bits[^1].AddDays(1)));
        // 63 distinct bits, never the sign bit
        Assert.Equal(long.MaxValue, bits.Aggregate(0L, (or, d) => or | ActiveDayBlocks.BitOf(d)));
        Assert.Equal(1L, ActiveDayBlocks.BitOf(first));
    }

    [Fact]
    public void AMaskCoversTheBlocksDaysInsideTheWindowOnly()
    {
        var block = ActiveDayBlocks.BlockOf(Day);
        var first = ActiveDayBlocks.FirstDayOf(block);

        Assert.Equal(long.MaxValue, ActiveDayBlocks.Mask(block, first.AddDays(-5), first.AddDays(100)));
        Assert.Equal(0b1110L, ActiveDayBlocks.Mask(block, first.AddDays(1), first.AddDays(3)));
        Assert.Equal(1L << 62, ActiveDayBlocks.Mask(block, ActiveDayBlocks.LastDayOf(block), first.AddDays(200)));
        Assert.Equal(0L, ActiveDayBlocks.Mask(block, first.AddDays(-10), first.AddDays(-1)));
        Assert.Equal(0L, ActiveDayBlocks.Mask(block, first.AddDays(3), first.AddDays(2)));
    }

    [Fact]
    public void BlocksComeSortedByAccountThenBlockThenUserInOrdinalOrder()
    {
        var first = ActiveDayBlocks.FirstDayOf(ActiveDayBlocks.BlockOf(Day));
        var block = ActiveDayBlocks.BlockOf(first);
        var blocks = ActiveDayBlocks.Of([
            new UserDayDelta("b", first, "z", 1, 1),
            new UserDayDelta("a", first.AddDays(-1), "y", 1, 1),
            new UserDayDelta("a", first, "Z", 1, 1),
            new UserDayDelta("ab", first, "y", 1, 1),
            new UserDayDelta("a", first, "y", 1, 1),
            new UserDayDelta("a", first.AddDays(1), "y", 1, 1),
        ]);

        Assert.Equal(
            [("a", block - 1, "y"), ("a", block, "Z"), ("a", block, "y"), ("ab", block, "y"), ("b", block, "z")],
            blocks.Select(b => (b.AccountId, b.Block, b.UserId)));
        Assert.Equal(0b11L, blocks.Single(b => b is { AccountId: "a", UserId: "y", Block: var n } && n == block).Days);
    }

    [Fact]
    public void BlocksOrTheDaysOfEachUserAndLeaveInactiveDaysOut()
    {
        var block = ActiveDayBlocks.BlockOf(Day);
        var first = ActiveDayBlocks.FirstDayOf(block);
        var blocks = ActiveDayBlocks.Of([
            new UserDayDelta("acme", first, "ann", 3, 1),
            new UserDayDelta("acme", first.AddDays(2), "ann", 1, 1),
            new UserDayDelta("acme", first.AddDays(-1), "ann", 1, 1),       // the last day of the block before
            new UserDayDelta("acme", first.AddDays(4), "bob", 5, 0),        // events, but none active
        ]);

        Assert.Equal(
            [new ActiveDayBlock("acme", "ann", block - 1, 1L << 62), new ActiveDayBlock("acme", "ann", block, 0b101L)],
            blocks);
    }

    [Fact]
    public void OnlyDaysThatBecameActiveInTheBatchAreWritten()
    {
        var applied = new[]
        {
            (new UserDayDelta("acme", Day, "ann", 2, 1), EventsAfter: 2, ActiveAfter: 1),   // new row, newly active
            (new UserDayDelta("acme", Day, "bob", 1, 1), EventsAfter: 4, ActiveAfter: 3),   // already active before
            (new UserDayDelta("acme", Day, "cy", 1, 0), EventsAfter: 1, ActiveAfter: 0),    // not active
        };

        var written = Assert.Single(ActiveDayBlocks.NewlyActive(applied));

        Assert.Equal("ann", written.UserId);
    }

    [Fact]
    public void DistinctUsersOfAWindowAcrossTwoBlocksCountEachUserOnce()
    {
        var block = ActiveDayBlocks.BlockOf(Day);
        var boundary = ActiveDayBlocks.FirstDayOf(block);
        var userDays = new[]
        {
            new UserDayDelta("acme", boundary.AddDays(-1), "ann", 1, 1),
            new UserDayDelta("acme", boundary, "ann", 1, 1),               // ann on both sides of the boundary
            new UserDayDelta("acme", boundary.AddDays(-20), "bob", 1, 1),  // bob only before the window
            new UserDayDelta("acme", boundary.AddDays(9), "cy", 1, 1),     // cy only on the window's last day
        };
        var blocks = ActiveDayBlocks.Of(userDays);

        var from = boundary.AddDays(-10);
        var to = boundary.AddDays(9);
        var expected = userDays.Where(u => u.Day >= from && u.Day <= to).Select(u => u.UserId).Distinct().Count();

        Assert.Equal(2, expected);
        Assert.Equal(expected, ActiveDayBlocks.DistinctUsers(blocks, from, to));
        Assert.Equal(3, ActiveDayBlocks.DistinctUsers(blocks, boundary.AddDays(-30), to));
        Assert.Equal(0, ActiveDayBlocks.DistinctUsers(blocks, boundary.AddDays(10), boundary.AddDays(40)));
    }
}
