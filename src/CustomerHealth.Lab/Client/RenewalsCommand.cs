using System.CommandLine;
using CustomerHealth.V1;

namespace CustomerHealth.Lab.Client;

/// <summary><c>renewals upcoming</c>: contracts renewing soon with their predicted probability and risk.</summary>
public static class RenewalsCommand
{
    public static Command Create()
    {
        var within = ClientCommand.Count("--within-days", 90, 180, "Renewals in the next N days");
        var limit = ClientCommand.Count("--limit", 20, 1000, "Renewals to show");
        var order = new Option<string>("--order")
        {
            Description = "date: soonest first; risk: least likely to renew first",
            DefaultValueFactory = _ => "date",
            HelpName = "ORDER",
        };
        order.AcceptOnlyFromAmong("date", "risk");
        var upcoming = ClientCommand.Create("upcoming", "Upcoming renewals and their risk (customerhealth.read)",
            async (parse, channel, output, ct) =>
            {
                var client = new RenewalService.RenewalServiceClient(channel);
                var wanted = parse.GetValue(limit);
                var predictions = await ClientCommand.PagesAsync<RenewalPrediction>(wanted, async (size, token) =>
                {
                    var page = await client.ListUpcomingRenewalsAsync(new ListUpcomingRenewalsRequest
                    {
                        WithinDays = parse.GetValue(within),
                        OrderBy = parse.GetValue(order) == "risk"
                            ? UpcomingRenewalOrder.Risk : UpcomingRenewalOrder.RenewalDate,
                        PageSize = size,
                        PageToken = token,
                    }, cancellationToken: ct);
                    return (page.Predictions, page.NextPageToken);
                });
                var table = new TextTable(
                    "CONTRACT", "ACCOUNT", "RENEWS", "DAYS>", "ARR>", "P(RENEW)>", "RISK", "HEALTH>", "OWNER");
                foreach (var p in predictions)
                {
                    table.Add(p.ContractId, p.AccountId, Display.Date(p.RenewalDate), $"{p.DaysToRenewal}",
                        Display.Money(p.Arr), Display.Percent(p.RenewalProbability), Display.Words(p.Risk),
                        Display.Score(p.HasHealthScore ? p.HealthScore : null), p.Owner);
                }
                await table.WriteToAsync(output);
            },
            within, limit, order);
        return new Command("renewals", "Renewal predictions") { upcoming };
    }
}
