using System.CommandLine;
using CustomerHealth.V1;

namespace CustomerHealth.Lab.Client;

/// <summary><c>accounts list</c>: the accounts with their segment, tier and owner, in account id order.</summary>
public static class AccountsCommand
{
    public static Command Create()
    {
        var owner = ClientCommand.Text("--owner", "Only the accounts of this owner");
        var segment = ClientCommand.Text("--segment", "Only the accounts of this segment");
        var limit = ClientCommand.Count("--limit", 50, 10_000, "Accounts to show");
        var list = ClientCommand.Create("list", "List accounts (scope customerhealth.read)",
            async (parse, channel, output, ct) =>
            {
                var client = new AccountService.AccountServiceClient(channel);
                var total = 0;
                var accounts = await ClientCommand.PagesAsync<Account>(parse.GetValue(limit), async (size, token) =>
                {
                    var page = await client.ListAccountsAsync(new ListAccountsRequest
                    {
                        PageSize = size,
                        PageToken = token,
                        Owner = parse.GetValue(owner) ?? "",
                        Segment = parse.GetValue(segment) ?? "",
                    }, cancellationToken: ct);
                    total = page.TotalSize;
                    return (page.Accounts, page.NextPageToken);
                });
                var table = new TextTable("ACCOUNT", "NAME", "SEGMENT", "TIER", "OWNER");
                foreach (var a in accounts)
                {
                    var tier = Display.Words(a.EffectiveCsTier) + (a.CsTierDerived ? " (derived)" : "");
                    table.Add(a.AccountId, a.DisplayName, a.Segment, tier, a.Owner);
                }
                await table.WriteToAsync(output);
                await output.WriteLineAsync($"{accounts.Count} of {total} accounts");
            },
            owner, segment, limit);
        return new Command("accounts", "Accounts and their contracts") { list };
    }
}
