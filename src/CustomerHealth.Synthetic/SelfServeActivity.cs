using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>
/// A self-serve account's product use (<see cref="SelfServeModel"/>): on each day of the activity window the account
/// was a customer, each user is active with probability q and then signs in and makes Poisson(λₖ) events of each
/// kind.
/// </summary>
internal sealed class SelfServeActivity(
    PortfolioOptions options, int index, string accountId, SelfServeModel.SelfServeProfile profile,
    IReadOnlyList<double> z)
{
    public IEnumerable<UsageEvent> Events()
    {
        var r = Rng.For(options.Seed, index, Rng.Stream.Events);
        var from = options.Today.AddDays(-options.ActivityDays);
        var kinds = SelfServeModel.Kinds;
        for (var t = 0; t < z.Count; t++)
        {
            var day = profile.FirstStart.AddDays(t);
            if (day < from || day >= options.Today) continue;
            var dayTag = day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            for (var n = 1; n <= profile.Seats; n++)
            {
                if (!r.Chance(SelfServeModel.ActiveChance(profile, z[t], n, day))) continue;
                var user = $"u{n:D4}@{accountId}";
                var second = r.Int(6 * 3600, 22 * 3600);
                var k = 0;
                yield return Event(dayTag, n, k++, SyntheticCatalogue.Login, day, second, user);
                for (var kind = 0; kind < kinds.Length; kind++)
                {
                    var count = r.Poisson(SelfServeModel.Rate(profile, kind, z[t]), cap: 20);
                    for (var i = 0; i < count; i++)
                        yield return Event(dayTag, n, k++, kinds[kind].Name, day, second + 60 * k, user);
                }
            }
        }
    }

    private UsageEvent Event(string dayTag, int user, int k, string name, DateOnly day, int second, string userId) =>
        PortfolioGenerator.UsageEvent(accountId, $"{dayTag}/{user}/{k}", name, day, second, userId);
}
