using System.Globalization;
using System.Text;
using CustomerHealth.Synthetic;

namespace CustomerHealth.Lab;

/// <summary>
/// Writes what the generator knows and the service must not: three CSV files (UTF-8, header row, invariant culture) in
/// a folder, appended one account at a time so memory stays bounded:
/// <list type="bullet">
/// <item><c>accounts.csv</c>: account_id, cs_tier, archetype, first_start, churn_date (empty while a customer), seats,
/// arr (of the last contract), mean_latent_health_30d (over its last 30 days as a customer).</item>
/// <item><c>daily_health.csv</c>: account_id, day, latent_health, for every day of the activity window the account was
/// a customer.</item> <item><c>renewals.csv</c>: contract_id, account_id, end_date, arr, latent_health_at_end,
/// latent_health_at_lead (90 days before the end), renew_probability, outcome (renewed, churned or open),
/// new_arr.</item>
/// </list>
/// </summary>
public sealed class GroundTruthWriter : IDisposable
{
    private readonly StreamWriter _accounts;
    private readonly StreamWriter _daily;
    private readonly StreamWriter _renewals;
    private readonly DateOnly _activityFrom;

    public GroundTruthWriter(string folder, PortfolioOptions options)
    {
        Directory.CreateDirectory(folder);
        _activityFrom = options.Today.AddDays(-options.ActivityDays);
        _accounts = Open(
            Path.Combine(folder, "accounts.csv"),
            "account_id,cs_tier,archetype,first_start,churn_date,seats,arr,mean_latent_health_30d");
        _daily = Open(Path.Combine(folder, "daily_health.csv"), "account_id,day,latent_health");
        _renewals = Open(
            Path.Combine(folder, "renewals.csv"),
            "contract_id,account_id,end_date,arr,latent_health_at_end,latent_health_at_lead,renew_probability,outcome,new_arr");
    }

    public void Add(SyntheticAccount account)
    {
        var last = account.Contracts[^1];
        var tail = account.LatentHealth.Skip(Math.Max(0, account.LatentHealth.Count - 30)).Average();
        _accounts.WriteLine(
            Inv($"{account.AccountId},{Tier(account)},{account.Archetype},{account.FirstStart:yyyy-MM-dd},{account.ChurnDate:yyyy-MM-dd},{last.Seats},{last.Arr.Units},{tail:0.####}"));
        var first = account.FirstStart > _activityFrom ? account.FirstStart : _activityFrom;
        for (var day = first; day <= account.LastDay; day = day.AddDays(1))
            _daily.WriteLine(Inv($"{account.AccountId},{day:yyyy-MM-dd},{account.HealthOn(day)!.Value:0.####}"));
        foreach (var r in account.Renewals)
        {
            var outcome = r.Renewed switch { true => "renewed", false => "churned", null => "open" };
            _renewals.WriteLine(
                Inv($"{r.ContractId},{r.AccountId},{r.EndDate:yyyy-MM-dd},{r.Arr},{r.HealthAtEnd:0.####},{r.HealthAtLead:0.####},{r.RenewProbability:0.####},{outcome},{r.NewArr}"));
        }
    }

    public void Dispose()
    {
        _accounts.Dispose();
        _daily.Dispose();
        _renewals.Dispose();
    }

    private static string Tier(SyntheticAccount account) => account.Tier switch
    {
        V1.CsTier.TechTouch => "tech_touch",
        V1.CsTier.LowTouch => "low_touch",
        _ => "high_touch",
    };

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static StreamWriter Open(string path, string header)
    {
        var writer = new StreamWriter(
            path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        writer.WriteLine(header);
        return writer;
    }
}
