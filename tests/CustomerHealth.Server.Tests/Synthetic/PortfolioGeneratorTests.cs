using CustomerHealth.Lab;
using CustomerHealth.Synthetic;
using CustomerHealth.V1;
using Google.Protobuf;

namespace CustomerHealth.Server.Tests.Synthetic;

/// <summary>The generator alone: reproducible, in its documented ranges, and driven by its latent health.</summary>
public sealed class PortfolioGeneratorTests
{
    private static readonly DateOnly Today = new(2026, 3, 15);
    private static PortfolioOptions Options(int accounts, int seed = 7, int activityDays = 60) =>
        new() { Accounts = accounts, Seed = seed, Today = Today, ActivityDays = activityDays };

    /// <summary>Everything the loader would send for an account, as bytes.</summary>
    private static byte[] Fingerprint(SyntheticAccount a)
    {
        var messages = new List<IMessage> { a.Account };
        messages.AddRange(a.Contracts);
        messages.AddRange(a.Outcomes);
        messages.AddRange(a.NpsResponses);
        messages.AddRange(a.Tickets);
        messages.AddRange(a.Touchpoints);
        messages.AddRange(a.MilestoneCompletions);
        messages.AddRange(a.Events());
        using var bytes = new MemoryStream();
        foreach (var m in messages) m.WriteDelimitedTo(bytes);
        foreach (var h in a.LatentHealth) bytes.Write(BitConverter.GetBytes(h));
        return bytes.ToArray();
    }

    [Fact]
    public void TheSameSeedGivesTheSameDataAndAnotherSeedOtherData()
    {
        var first = PortfolioGenerator.Generate(Options(40)).Select(Fingerprint).ToArray();
        var again = PortfolioGenerator.Generate(Options(40)).Select(Fingerprint).ToArray();
        var other = PortfolioGenerator.Generate(Options(40, seed: 8)).Select(Fingerprint).ToArray();

        Assert.Equal(first, again);
        Assert.True(first.Zip(other).Count(p => p.First.AsSpan().SequenceEqual(p.Second)) < 2);
    }

    [Fact]
    public void AnAccountDependsOnlyOnItsIndexAndItsEventsAreTheSameEachTimeTheyAreRead()
    {
        var options = Options(50);
        var fromSequence = PortfolioGenerator.Generate(options).ElementAt(36);
        var alone = PortfolioGenerator.Account(options, 37);

        Assert.Equal(Fingerprint(fromSequence), Fingerprint(alone));
        Assert.Equal(alone.Events().Select(e => e.EventId), alone.Events().Select(e => e.EventId));
    }

    [Fact]
    public void TiersArrAndSeatsFollowTheDocumentedMix()
    {
        var accounts = PortfolioGenerator.Generate(Options(3000)).ToArray();
        double Share(CsTier tier) => accounts.Count(a => a.Tier == tier) / (double)accounts.Length;

        Assert.InRange(Share(CsTier.TechTouch), 0.66, 0.74);
        Assert.InRange(Share(CsTier.HighTouch), 0.04, 0.08);
        foreach (var a in accounts)
        {
            var arr = a.Contracts[0].Arr.Units;
            var (low, high) = a.Tier switch
            {
                CsTier.TechTouch => (1_200, 9_900),
                CsTier.LowTouch => (10_000, 99_000),
                _ => (100_000, 900_000)
            };
            Assert.InRange(arr, low, high);
            Assert.All(a.Contracts, c => Assert.True(c.Seats >= 1));
            Assert.Equal("USD", a.Contracts[0].Arr.CurrencyCode);
        }
        Assert.Contains(accounts, a => a.Archetype == Archetype.FadingVeteran);
        Assert.Contains(accounts, a => a.Archetype == Archetype.SmallButEngaged);
        Assert.Contains(accounts, a => a.Archetype == Archetype.DetractorChampion);
    }

    [Fact]
    public void RenewalsFollowLatentHealthWithNoise()
    {
        var renewals = PortfolioGenerator.Generate(Options(3000)).SelectMany(a => a.Renewals)
            .Where(r => r.Renewed is not null).ToArray();
        var rate = renewals.Count(r => r.Renewed == true) / (double)renewals.Length;
        var renewedHealth = renewals.Where(r => r.Renewed == true).Average(r => r.HealthAtLead);
        var churnedHealth = renewals.Where(r => r.Renewed == false).Average(r => r.HealthAtLead);

        Assert.InRange(rate, 0.75, 0.92); // gross logo retention of a healthy SaaS book
        Assert.True(
            renewedHealth > churnedHealth + 0.15, $"renewed {renewedHealth:0.00} vs churned {churnedHealth:0.00}");
        Assert.Contains(renewals, r => r.Renewed == false && r.HealthAtLead > 0.6); // noise: healthy accounts churn too
        Assert.All(renewals.Where(r => r.Renewed == true), r => Assert.True(r.NewArr > 0));
    }

    [Fact]
    public void UsageAndSentimentRiseWithLatentHealth()
    {
        var accounts = PortfolioGenerator.Generate(Options(400, activityDays: 30))
            .Where(a => a.ChurnDate is null && a.FirstStart < Today.AddDays(-120)).ToArray();
        var rows = accounts.Select(a =>
        {
            var health = Enumerable.Range(1, 30).Select(d => a.HealthOn(Today.AddDays(-d))!.Value).Average();
            var activeUserDays = a.Events().Where(e => e.EventName == SyntheticCatalogue.Login).Count();
            var utilisation = activeUserDays / (30.0 * a.Contracts[^1].Seats);
            return (Health: health, Utilisation: utilisation);
        }).ToArray();
        var healthy = rows.Where(r => r.Health > 0.75).Average(r => r.Utilisation);
        var unhealthy = rows.Where(r => r.Health < 0.4).Average(r => r.Utilisation);

        Assert.True(healthy > 2 * unhealthy, $"utilisation healthy {healthy:0.00} vs unhealthy {unhealthy:0.00}");
        var nps = PortfolioGenerator.Generate(Options(1500, activityDays: 180))
            .SelectMany(a => a.NpsResponses.Select(n => (a, n)))
            .Where(x => x.a.Archetype != Archetype.DetractorChampion)
            .Select(x => (Health: x.a.HealthOn(DateOnly.FromDateTime(x.n.AnswerTime.ToDateTime()))!.Value, x.n.Score))
                .ToArray();
        Assert.True(
            nps.Where(x => x.Health > 0.8).Average(x => x.Score) > nps.Where(x => x.Health < 0.4).Average(x => x.Score)
            + 2);
    }

    [Fact]
    public void EventsStayInsideTheActivityWindowAndTheCustomersLifeWithUniqueIds()
    {
        var options = Options(150, activityDays: 45);
        var ids = new HashSet<string>();
        foreach (var a in PortfolioGenerator.Generate(options))
        {
            foreach (var e in a.Events())
            {
                var day = DateOnly.FromDateTime(e.OccurTime.ToDateTime());
                Assert.InRange(day, Today.AddDays(-45), Today.AddDays(-1));
                Assert.InRange(day, a.FirstStart, a.LastDay);
                Assert.True(ids.Add(e.EventId), $"duplicate event id {e.EventId}");
                Assert.Equal(a.AccountId, e.AccountId);
            }
            if (a.ChurnDate is { } churn) Assert.True(a.LastDay < churn);
            Assert.All(
                a.Tickets,
                t => Assert.True(
                    t.CloseTime is null
                    || t.CloseTime.ToDateTime() <= Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)));
        }
    }

    [Fact]
    public void TheGroundTruthFilesHoldEveryAccountDayAndRenewal()
    {
        var options = Options(20, activityDays: 30);
        var folder = Path.Combine(Path.GetTempPath(), $"truth-{Guid.NewGuid():N}");
        try
        {
            var accounts = PortfolioGenerator.Generate(options).ToArray();
            using (var writer = new GroundTruthWriter(folder, options))
            {
                foreach (var a in accounts) writer.Add(a);
            }
            var daily = File.ReadAllLines(Path.Combine(folder, "daily_health.csv"));
            var expectedDays = accounts.Sum(
                a => Math.Max(
                    0, a.LastDay.DayNumber - Math.Max(a.FirstStart.DayNumber, Today.AddDays(-30).DayNumber) + 1));

            Assert.Equal("account_id,day,latent_health", daily[0]);
            Assert.Equal(expectedDays, daily.Length - 1);
            Assert.Equal(21, File.ReadAllLines(Path.Combine(folder, "accounts.csv")).Length);
            Assert.Equal(
                accounts.Sum(a => a.Renewals.Count) + 1, File.ReadAllLines(Path.Combine(folder, "renewals.csv"))
                .Length);
            var sample = daily[1].Split(',');
            Assert.Equal(
                accounts.Single(a => a.AccountId == sample[0]).HealthOn(DateOnly.Parse(sample[1]))!.Value,
                double.Parse(sample[2]), 4);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("2026-03-15")]
    [InlineData("2026-07-01")]
    [InlineData("2026-12-07")]
    public void TheDefaultDemoRecordsFiftyRenewalsAndFiftyChurns(string today)
    {
        var options = new CustomerHealth.Server.Demo.DemoOptions().Portfolio(DateOnly.Parse(today));

        var outcomes = PortfolioGenerator.Generate(options).SelectMany(a => a.Outcomes).ToArray();

        // Enough for the renewal model's minimum (50 of each) with room for the day's draw.
        Assert.InRange(outcomes.Count(o => o.Kind == RenewalOutcomeKind.Churned), 75, int.MaxValue);
        Assert.InRange(outcomes.Count(o => o.Kind == RenewalOutcomeKind.Renewed), 75, int.MaxValue);
    }

    [Fact]
    public void SelfServeAccountsRenewMonthlyWithOneToFiveUsersAndChurnOnLowRatesOfValueUse()
    {
        var options = Options(600, activityDays: 90) with { Mix = PortfolioMix.SelfServe };
        var accounts = PortfolioGenerator.Generate(options).ToArray();
        var decided = accounts.SelectMany(a => a.Renewals).Where(r => r.Renewed is not null).ToArray();

        Assert.All(accounts, a => Assert.True(a.Archetype.IsSelfServe()));
        Assert.All(accounts.SelectMany(a => a.Contracts), c => Assert.InRange(c.Seats, 1, 5));
        Assert.All(accounts.SelectMany(a => a.Contracts), c => Assert.InRange(
            Date(c.EndDate).DayNumber - Date(c.StartDate).DayNumber, 28, 31));
        Assert.InRange(decided.Count(r => r.Renewed == false) / (double)decided.Length, 0.03, 0.12); // monthly churn
        var renewed = decided.Where(r => r.Renewed == true).Average(r => r.RenewProbability);
        var churned = decided.Where(r => r.Renewed == false).Average(r => r.RenewProbability);
        Assert.True(renewed > churned + 0.1, $"renewed {renewed:0.00} vs churned {churned:0.00}");
        // Habitual browsers sign in as much as the others but make fewer reports per sign-in.
        double ReportsPerLogin(Archetype archetype)
        {
            var events = accounts.Where(a => a.Archetype == archetype).SelectMany(a => a.Events()).ToArray();
            return events.Count(e => e.EventName == "report_created")
                / (double)events.Count(e => e.EventName == SyntheticCatalogue.Login);
        }
        Assert.True(ReportsPerLogin(Archetype.HabitualBrowser) < 0.5 * ReportsPerLogin(Archetype.SelfServe));
    }

    [Fact]
    public void AMixedPortfolioKeepsTheB2bAccountsOfTheSameSeed()
    {
        var mixed = PortfolioGenerator.Generate(Options(200) with { Mix = PortfolioMix.Mixed }).ToArray();
        var b2b = PortfolioGenerator.Generate(Options(200)).ToArray();

        Assert.InRange(mixed.Count(a => a.Archetype.IsSelfServe()), 70, 130);
        Assert.All(mixed.Where(a => !a.Archetype.IsSelfServe()),
            a => Assert.Equal(Fingerprint(b2b[a.Index - 1]), Fingerprint(a)));
    }

    private static DateOnly Date(Google.Type.Date d) => new(d.Year, d.Month, d.Day);

    [Fact]
    public void BadOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => PortfolioGenerator.Generate(Options(10, activityDays: 401)).ToArray());
        Assert.Throws<ArgumentException>(() => PortfolioGenerator.Generate(Options(0)).ToArray());
    }
}
