using CustomerHealth.V1;

namespace CustomerHealth.Synthetic;

/// <summary>
/// NPS answers, support tickets, CSM touchpoints and manual onboarding milestones, from latent health h on the day:
/// <list type="bullet">
/// <item>NPS: a survey wave every 90 days asks 1 (tech-touch), 2 (low-touch) or 4 (high-touch) users, each answering
/// with probability 0.45, score round(N(1.5 + 9h, 1.4)) clipped to 0–10; a detractor champion also answers every wave
/// with 1–5.</item> <item>Tickets: opened on a day with probability (0.004 + 0.0015 √seats)(1.7 − h); urgent with
/// probability 0.03 + 0.1 (1 − h), high 0.2, normal 0.5, else low; closed after Exp(1.5 + 6 (1 − h)) days, still open
/// if that is after the last day.</item> <item>Touchpoints: gaps of 2 + Exp(c (0.6 + 0.9 (1 − h))) days with c = 18
/// (high-touch), 55 (low-touch), 150 (tech-touch); high-touch also gets a QBR about every 90 days when h > 0.25.</item>
/// <item>Manual milestones (kickoff, integration, training, review): done with probability σ(5 (h − 0.3)), about on
/// their due day.</item>
/// </list>
/// </summary>
internal sealed class SignalModel(
    PortfolioOptions options, int index, string accountId, Archetype archetype, CsTier tier, string owner,
        DateOnly firstStart,
    IReadOnlyList<double> health, IReadOnlyList<PortfolioGenerator.Term> terms)
{
    private readonly Rng _r = Rng.For(options.Seed, index, Rng.Stream.Signals);
    private DateOnly From =>
        options.Today.AddDays(-options.ActivityDays) > firstStart ? options.Today.AddDays(-options.ActivityDays)
            : firstStart;
    private DateOnly LastDay => firstStart.AddDays(health.Count - 1);

    private double HealthOn(DateOnly day) =>
        health[Math.Clamp(day.DayNumber - firstStart.DayNumber, 0, health.Count - 1)];

    private int SeatsOn(DateOnly day) => terms.LastOrDefault(t => t.Start <= day)?.Seats ?? terms[0].Seats;

    public IReadOnlyList<NpsResponse> NpsResponses()
    {
        var answers = new List<NpsResponse>();
        var asked = tier switch { CsTier.TechTouch => 1, CsTier.LowTouch => 2, _ => 4 };
        for (var day = From.AddDays(_r.Int(0, 90)); day <= LastDay; day = day.AddDays(90))
        {
            var h = HealthOn(day);
            var seats = SeatsOn(day);
            var respondents = new SortedSet<int>();
            for (var i = 0; i < asked; i++) respondents.Add(_r.Int(1, seats + 1));
            if (archetype == Archetype.DetractorChampion) respondents.Add(1);
            foreach (var n in respondents)
            {
                var champion = n == 1 && archetype == Archetype.DetractorChampion;
                if (!champion && !_r.Chance(0.45)) continue;
                var score = champion ? _r.Int(1, 6) : (int)Math.Clamp(Math.Round(_r.Normal(1.5 + 9 * h, 1.4)), 0, 10);
                answers.Add(new NpsResponse
                {
                    ResponseId = $"{accountId}/nps/{day:yyyyMMdd}/{n}",
                    AccountId = accountId,
                    RespondentId = $"u{n:D4}@{accountId}",
                    Score = score,
                    Comment = champion ? "Not what we were promised" : _r.Pick(Names.NpsComments),
                    AnswerTime = PortfolioGenerator.At(day, _r.Int(9 * 3600, 20 * 3600)),
                });
            }
        }
        return answers;
    }

    public IReadOnlyList<SupportTicket> Tickets()
    {
        var tickets = new List<SupportTicket>();
        var end = options.Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        for (var day = From; day <= LastDay; day = day.AddDays(1))
        {
            var h = HealthOn(day);
            if (!_r.Chance((0.004 + 0.0015 * Math.Sqrt(SeatsOn(day))) * (1.7 - h))) continue;
            var u = _r.Next();
            var urgent = 0.03 + 0.1 * (1 - h);
            var severity = u < urgent ? TicketSeverity.Urgent : u < urgent + 0.2 ? TicketSeverity.High : u < urgent
                + 0.7 ? TicketSeverity.Normal : TicketSeverity.Low;
            var open = PortfolioGenerator.At(day, _r.Int(8 * 3600, 18 * 3600));
            var closeAt = open.ToDateTime().AddDays(_r.Exponential(1.5 + 6 * (1 - h)));
            var lastInstant = LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            tickets.Add(new SupportTicket
            {
                TicketId = $"{accountId}/t/{day:yyyyMMdd}",
                AccountId = accountId,
                Severity = severity,
                Subject = _r.Pick(Names.TicketSubjects),
                OpenTime = open,
                CloseTime = closeAt < lastInstant && closeAt < end
                    ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(TruncateToSecond(closeAt)) : null,
            });
        }
        return tickets;
    }

    public IReadOnlyList<Touchpoint> Touchpoints()
    {
        var touchpoints = new List<Touchpoint>();
        var cadence = tier switch { CsTier.HighTouch => 18.0, CsTier.LowTouch => 55.0, _ => 150.0 };
        var number = 0;
        for (var day = From.AddDays(_r.Int(0, (int)cadence)); day <= LastDay; day = day.AddDays(
            2 + (int)_r.Exponential(cadence * (0.6 + 0.9 * (1 - HealthOn(day))))))
        {
            var u = _r.Next();
            var kind = tier switch
            {
                CsTier.HighTouch =>
                    u < 0.4 ? TouchpointKind.Meeting : u < 0.75 ? TouchpointKind.Call : TouchpointKind.Email,
                CsTier.LowTouch => u < 0.5 ? TouchpointKind.Call : TouchpointKind.Email,
                _ => TouchpointKind.Email,
            };
            touchpoints.Add(Touch(++number, kind, day));
        }
        if (tier == CsTier.HighTouch)
        {
            for (var day = From.AddDays(_r.Int(0, 90)); day <= LastDay; day = day.AddDays(80 + _r.Int(0, 21)))
            {
                if (HealthOn(day) > 0.25) touchpoints.Add(Touch(++number, TouchpointKind.Qbr, day));
            }
        }
        return touchpoints;
    }

    private Touchpoint Touch(int number, TouchpointKind kind, DateOnly day) => new()
    {
        TouchpointId = $"{accountId}/tp/{number}",
        AccountId = accountId,
        Kind = kind,
        OccurTime = PortfolioGenerator.At(day, _r.Int(9 * 3600, 17 * 3600)),
        Csm = owner,
        Note = kind == TouchpointKind.Qbr ? "Quarterly business review" : "",
    };

    public IReadOnlyList<CompleteMilestoneRequest> MilestoneCompletions()
    {
        (string Key, int DueDay)[] manual = tier switch
        {
            CsTier.HighTouch =>
                [("kickoff", 7), ("integration_live", 14), ("training_done", 45), ("day_90_review", 90)],
            CsTier.LowTouch => [("kickoff", 10), ("day_90_review", 90)],
            _ => [],
        };
        var completions = new List<CompleteMilestoneRequest>();
        foreach (var (key, due) in manual)
        {
            var dueDay = firstStart.AddDays(due);
            if (!_r.Chance(PortfolioGenerator.Sigmoid(5 * (HealthOn(dueDay) - 0.3)))) continue;
            var done = dueDay.AddDays((int)Math.Round(_r.Normal(-1, 4)));
            if (done < firstStart) done = firstStart;
            if (done > LastDay) continue;
            completions.Add(new CompleteMilestoneRequest
            {
                AccountId = accountId,
                MilestoneKey = key,
                CompletedBy = owner,
                Note = "Recorded by the CSM",
                CompleteTime = PortfolioGenerator.At(done, _r.Int(9 * 3600, 17 * 3600)),
            });
        }
        return completions;
    }

    private static DateTime TruncateToSecond(DateTime instant) =>
        new(instant.Ticks - instant.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
