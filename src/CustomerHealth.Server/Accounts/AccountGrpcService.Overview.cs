using CustomerHealth.Server.Currency;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Health;
using CustomerHealth.Server.Onboarding;
using CustomerHealth.Server.Renewals;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Accounts;

/// <summary>GetAccountOverview: one call for a dashboard's account page.</summary>
public sealed partial class AccountGrpcService
{
    public override async Task<GetAccountOverviewResponse> GetAccountOverview(
        GetAccountOverviewRequest request, ServerCallContext context)
    {
        var accountId = AccountRequests.ReadAccountId(request.AccountId);
        var page = await overviews.ReadAsync(accountId, context.CancellationToken);
        var overview = new AccountOverview
        {
            Account = page.Account.ToProto(),
            CurrentContract = page.CurrentContract?.ToProto(page.Today),
            ReportingArr = page.Rates.ToReportingMoney(page.CurrentContract?.Arr),
            HealthScore = page.Score.ToProto(),
            UsageStartDate = ProtoConvert.ToDate(page.UsageFrom),
            OnboardingPlan = page.Plan?.ToProto(page.Today),
            RenewalPrediction = page.Prediction?.ToProto(page.Today),
        };
        overview.DailyUsage.AddRange(page.Usage.Select(d => d.ToProto()));
        overview.LatestNpsResponses.AddRange(page.Nps.Select(n => n.ToProto()));
        overview.LatestSupportTickets.AddRange(page.Tickets.Select(t => t.ToProto()));
        overview.LatestTouchpoints.AddRange(page.Touchpoints.Select(t => t.ToProto()));
        overview.Stakeholders.AddRange(page.Stakeholders.Select(c => c.ToProto()));
        overview.ChampionAlerts.AddRange(page.ChampionAlerts.Select(a => a.ToProto()));
        return new GetAccountOverviewResponse { Overview = overview };
    }
}
