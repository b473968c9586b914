using System.CommandLine;
using CustomerHealth.V1;

namespace CustomerHealth.Lab.Client;

/// <summary><c>health get ACCOUNT</c> and <c>health worst</c>: health scores as a person reads them.</summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var account = new Argument<string>("ACCOUNT") { Description = "The account id" };
        var get = ClientCommand.Create("get", "One account's health score with its components (customerhealth.read)",
            async (parse, channel, output, ct) =>
            {
                var client = new HealthService.HealthServiceClient(channel);
                var score = (await client.GetHealthScoreAsync(
                    new GetHealthScoreRequest { AccountId = parse.GetValue(account)! }, cancellationToken: ct)).Score;
                await WriteScoreAsync(score, output);
            },
            account);

        var limit = ClientCommand.Count("--limit", 10, 1000, "Accounts to show");
        var owner = ClientCommand.Text("--owner", "Only the accounts of this owner");
        var worst = ClientCommand.Create("worst", "The lowest health scores first (customerhealth.read)",
            async (parse, channel, output, ct) =>
            {
                var client = new HealthService.HealthServiceClient(channel);
                var scores = await ClientCommand.PagesAsync<HealthScore>(parse.GetValue(limit), async (size, token) =>
                {
                    var page = await client.ListHealthScoresAsync(new ListHealthScoresRequest
                    {
                        OrderBy = HealthScoreOrder.Score,
                        Owner = parse.GetValue(owner) ?? "",
                        PageSize = size,
                        PageToken = token,
                    }, cancellationToken: ct);
                    return (page.Scores, page.NextPageToken);
                });
                var table = new TextTable("ACCOUNT", "SCORE>", "BAND", "7D>", "30D>", "STAGE", "TIER", "OVERRIDE");
                foreach (var s in scores)
                {
                    table.Add(s.AccountId, Display.Score(ScoreOf(s)), Display.Words(s.Band),
                        Display.Change(Change7(s.Trend)), Display.Change(Change30(s.Trend)),
                        Display.Words(s.LifecycleStage), Display.Words(s.CsTier), Override(s.Override));
                }
                await table.WriteToAsync(output);
            },
            limit, owner);
        return new Command("health", "Health scores") { get, worst };
    }

    private static async Task WriteScoreAsync(HealthScore score, TextWriter output)
    {
        var facts = new TextTable("", "");
        facts.Add("Account", score.AccountId);
        facts.Add("Score", $"{Display.Score(ScoreOf(score))} ({Display.Words(score.Band)})".TrimStart());
        if (score.Override is { } o) facts.Add("Override", $"{Override(o)}: {o.Reason} (by {o.SetBy})");
        var trend = score.Trend;
        facts.Add("Change", $"7 days {Display.Change(Change7(trend))}, 30 days {Display.Change(Change30(trend))}");
        facts.Add("Stage", Display.Words(score.LifecycleStage));
        facts.Add("Tier", Display.Words(score.CsTier));
        facts.Add("As of", Display.Day(score.AsOf));
        await facts.WriteToAsync(output, header: false);
        if (score.Components.Count == 0) return;
        await output.WriteLineAsync();
        var components = new TextTable("COMPONENT", "SCORE>", "WEIGHT>", "WHY");
        foreach (var c in score.Components)
            components.Add(Display.Words(c.Kind), Display.Score(c.Score), Display.Percent(c.Weight), c.Explanation);
        await components.WriteToAsync(output);
    }

    private static string Override(HealthOverride? o) =>
        o is null ? "" : o.HasScore ? Display.Score(o.Score) : Display.Words(o.Band);

    private static double? ScoreOf(HealthScore s) => s.HasScore ? s.Score : null;

    private static double? Change7(HealthTrend? t) => t is { HasChange7D: true } ? t.Change7D : null;

    private static double? Change30(HealthTrend? t) => t is { HasChange30D: true } ? t.Change30D : null;
}
