using System.Globalization;
using CustomerHealth.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerHealth.ClientSmoke;

/// <summary>The three reads of the smoke test, each asked again until it is not empty or the deadline passes.</summary>
internal sealed class SmokeCalls(
    AccountService.AccountServiceClient accounts,
    HealthService.HealthServiceClient health,
    RenewalService.RenewalServiceClient renewals,
    DateTime deadline)
{
    public async Task RunAsync()
    {
        var page = await UntilAnsweredAsync("ListAccounts", async () =>
        {
            var answer = await accounts.ListAccountsAsync(new() { PageSize = 5 }, deadline: CallDeadline());
            return (answer, answer.Accounts.Count);
        });
        Console.WriteLine($"accounts: {page.TotalSize} in all; first: {Join(page.Accounts.Select(a => a.AccountId))}");

        var scores = (await UntilAnsweredAsync("ListHealthScores", async () =>
        {
            var request = new ListHealthScoresRequest { OrderBy = HealthScoreOrder.Score, PageSize = 5 };
            var answer = await health.ListHealthScoresAsync(request, deadline: CallDeadline());
            return (answer, answer.Scores.Count(s => s.HasScore));
        })).Scores;
        PrintWorstScores(scores);

        var predictions = (await UntilAnsweredAsync("ListUpcomingRenewals", async () =>
        {
            var request = new ListUpcomingRenewalsRequest { OrderBy = UpcomingRenewalOrder.Risk, PageSize = 5 };
            var answer = await renewals.ListUpcomingRenewalsAsync(request, deadline: CallDeadline());
            return (answer, answer.Predictions.Count);
        })).Predictions;
        PrintRiskiestRenewals(predictions);
    }

    /// <summary>The status code, message and google.rpc.Status details (ErrorInfo, BadRequest) of a call.</summary>
    public static string Describe(RpcException ex)
    {
        var text = $"{ex.StatusCode}: {ex.Status.Detail}";
        var status = ex.GetRpcStatus();
        if (status?.GetDetail<ErrorInfo>() is { } info) text += $"\n  ErrorInfo: {info}";
        if (status?.GetDetail<BadRequest>() is { } badRequest) text += $"\n  BadRequest: {badRequest}";
        return text;
    }

    private static void PrintWorstScores(IReadOnlyList<HealthScore> scores)
    {
        var known = scores.Where(s => s.HasScore).Select(s => s.Score).ToList();
        if (!known.SequenceEqual(known.Order()))
        {
            throw new SmokeFailureException($"scores not lowest first: {Join(known)}");
        }
        Console.WriteLine("worst scores:");
        foreach (var s in scores)
        {
            var score = s.HasScore ? s.Score.ToString("0.0", CultureInfo.InvariantCulture) : "?";
            Console.WriteLine($"  {s.AccountId,-24} {score,5}  {s.Band}");
        }
    }

    private static void PrintRiskiestRenewals(IReadOnlyList<RenewalPrediction> predictions)
    {
        var probabilities = predictions.Select(p => p.RenewalProbability).ToList();
        if (!probabilities.SequenceEqual(probabilities.Order()) || probabilities.Any(p => p is < 0 or > 1))
        {
            throw new SmokeFailureException($"renewals not lowest probability first in [0, 1]: {Join(probabilities)}");
        }
        Console.WriteLine("riskiest upcoming renewals:");
        foreach (var p in predictions)
        {
            var date = new DateOnly(p.RenewalDate.Year, p.RenewalDate.Month, p.RenewalDate.Day);
            var arr = p.Arr.Units + (p.Arr.Nanos / 1e9m);
            var probability = p.RenewalProbability;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.ContractId,-24} {date:yyyy-MM-dd}  p={probability:0.00}  ARR {arr:#,0} {p.Arr.CurrencyCode}"));
        }
    }

    private static string Join<T>(IEnumerable<T> values) =>
        string.Join(", ", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v}")));

    private static DateTime CallDeadline() => DateTime.UtcNow.AddSeconds(10);

    // UNAVAILABLE (still starting) is asked again until the deadline; any other error ends the smoke test.
    private async Task<T> UntilAnsweredAsync<T>(string name, Func<Task<(T Answer, int Count)>> call)
    {
        while (true)
        {
            try
            {
                var (answer, count) = await call();
                if (count > 0) return answer;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new SmokeFailureException($"{name} answered nothing (is the demo portfolio seeded?)");
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
