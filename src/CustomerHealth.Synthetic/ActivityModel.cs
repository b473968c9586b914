using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>
/// Product usage from latent health. Each user n has a propensity πₙ (user 1, the champion, 0.95; the others
/// U(0,1)^0.7). On a day the account is a customer and within the activity window, user n (only while n ≤ the
/// contract's seats) is active with probability ramp · week · 0.6 · σ(6 (h' − 0.6) + 3 (πₙ − 0.5)), where h' is the
/// health usage shows (the latent health, but higher for a detractor champion), week is 0.2 on Saturdays and Sundays,
/// and ramp = min(1, (t + 1) / (20 + 70 (1 − h'))) over the first days t of the account. An active user signs in,
/// comments with probability 0.15 and uses each key feature the account has adopted with probability 0.2; the account
/// adopts feature f once h' exceeds its threshold (jittered per account) and it is at least f's earliest day into its
/// life.
/// </summary>
internal sealed class ActivityModel(
    PortfolioOptions options, int index, string accountId, Archetype archetype, DateOnly firstStart,
    IReadOnlyList<double> health, IReadOnlyList<PortfolioGenerator.Term> terms)
{
    public IEnumerable<UsageEvent> Events()
    {
        var r = Rng.For(options.Seed, index, Rng.Stream.Events);
        var maxSeats = terms.Max(t => t.Seats);
        var propensity = new double[maxSeats + 1];
        propensity[1] = 0.95;
        for (var n = 2; n <= maxSeats; n++) propensity[n] = Math.Pow(r.Next(), 0.7);
        var features = SyntheticCatalogue.Features;
        var thresholds = features.Select(f => f.Threshold + r.Normal(0, 0.08)).ToArray();
        var earliest = features.Select(f => f.EarliestDay + r.Int(0, 10)).ToArray();
        var boost = archetype == Archetype.DetractorChampion ? 1.4 : 0.0;
        var from = options.Today.AddDays(-options.ActivityDays);
        var users = new string[maxSeats + 1];
        for (var n = 1; n <= maxSeats; n++) users[n] = $"u{n:D4}@{accountId}";

        var termIndex = 0;
        for (var t = 0; t < health.Count; t++)
        {
            var day = firstStart.AddDays(t);
            while (termIndex < terms.Count - 1 && day >= terms[termIndex + 1].Start) termIndex++;
            if (day < from) continue;
            var seen = Math.Log(health[t] / (1 - health[t])) + boost;
            var shown = PortfolioGenerator.Sigmoid(seen);
            var ramp = Math.Min(1.0, (t + 1) / (20 + 70 * (1 - shown)));
            var week = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.2 : 1.0;
            var dayTag = day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            var seats = terms[termIndex].Seats;
            for (var n = 1; n <= seats; n++)
            {
                var p = ramp * week * 0.6 * PortfolioGenerator.Sigmoid(6 * (shown - 0.6) + 3 * (propensity[n] - 0.5));
                if (!r.Chance(p)) continue;
                var second = r.Int(7 * 3600, 18 * 3600);
                var k = 0;
                yield return Event(dayTag, n, k++, SyntheticCatalogue.Login, day, second, users[n]);
                if (r.Chance(0.15)) yield return Event(
                    dayTag, n, k++, SyntheticCatalogue.CommentAdded, day, second + 60 * k, users[n]);
                for (var f = 0; f < features.Length; f++)
                {
                    if (shown > thresholds[f] && t >= earliest[f] && r.Chance(0.2))
                        yield return Event(dayTag, n, k++, features[f].Name, day, second + 60 * k, users[n]);
                }
            }
        }
    }

    private UsageEvent Event(string dayTag, int user, int k, string name, DateOnly day, int second, string userId) =>
        PortfolioGenerator.UsageEvent(accountId, $"{dayTag}/{user}/{k}", name, day, second, userId);
}
