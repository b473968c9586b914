using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Onboarding;

/// <summary>customerhealth.v1.OnboardingService: read the request, call the store, map the result.</summary>
public sealed class OnboardingGrpcService(OnboardingStore store) : Stubs.OnboardingService.OnboardingServiceBase
{
    public static readonly string ServiceName = OnboardingService.Descriptor.FullName;

    public override async Task<GetOnboardingPlanResponse> GetOnboardingPlan(
        GetOnboardingPlanRequest request, ServerCallContext context)
    {
        var plan = await store.GetPlanAsync(
            AccountRequests.ReadAccountId(request.AccountId), context.CancellationToken);
        return new GetOnboardingPlanResponse { Plan = plan.ToProto(store.Today) };
    }

    public override async Task<CreateOnboardingPlanResponse> CreateOnboardingPlan(
        CreateOnboardingPlanRequest request, ServerCallContext context)
    {
        var (accountId, start) = OnboardingRequests.Read(request);
        var plan = await store.CreatePlanAsync(
            accountId, start, request.ReplaceExisting, context.Caller(), context.CancellationToken);
        return new CreateOnboardingPlanResponse { Plan = plan.ToProto(store.Today) };
    }

    public override async Task<CompleteMilestoneResponse> CompleteMilestone(
        CompleteMilestoneRequest request, ServerCallContext context)
    {
        var c = OnboardingRequests.Read(request);
        var (plan, changed) = await store.CompleteMilestoneAsync(
            c.AccountId, c.MilestoneKey, c.Note, c.At, context.Caller(c.OnBehalfOf), context.CancellationToken);
        return new CompleteMilestoneResponse { Plan = plan.ToProto(store.Today), Changed = changed };
    }

    public override async Task<ListOverdueMilestonesResponse> ListOverdueMilestones(
        ListOverdueMilestonesRequest request, ServerCallContext context)
    {
        var (filter, pageSize, after, fingerprint) = OnboardingRequests.Read(request, store.Today);
        var page = await store.ListOverdueAsync(filter, pageSize, after, context.CancellationToken);
        var today = store.Today;
        var response = new ListOverdueMilestonesResponse();
        response.Milestones.AddRange(page.Items.Select(i => i.ToProto(today)));
        if (page.HasMore) response.NextPageToken = OnboardingRequests.NextToken(fingerprint, page.Items[^1]);
        return response;
    }

    public override async Task<GetPlanTemplateResponse> GetPlanTemplate(
        GetPlanTemplateRequest request, ServerCallContext context)
    {
        var template = await store.GetTemplateAsync(OnboardingRequests.Read(request), context.CancellationToken);
        return new GetPlanTemplateResponse { Template = template.ToProto() };
    }

    public override async Task<ReplacePlanTemplateResponse> ReplacePlanTemplate(
        ReplacePlanTemplateRequest request, ServerCallContext context)
    {
        var (tier, milestones, onBehalfOf) = OnboardingRequests.Read(request);
        var template = await store.ReplaceTemplateAsync(
            tier, milestones, context.Caller(onBehalfOf), context.CancellationToken);
        return new ReplacePlanTemplateResponse { Template = template.ToProto() };
    }
}
