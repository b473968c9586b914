using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Engagement;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Onboarding;

/// <summary>customerhealth.v1.OnboardingService: read the request, call the store, map the result.</summary>
public sealed class OnboardingGrpcService(OnboardingStore store) : OnboardingService.OnboardingServiceBase
{
    public static readonly string ServiceName = OnboardingService.Descriptor.FullName;

    public override async Task<GetOnboardingPlanResponse> GetOnboardingPlan(GetOnboardingPlanRequest request, ServerCallContext context)
    {
        var plan = await store.GetPlanAsync(AccountRequests.ReadAccountId(request.AccountId), context.CancellationToken);
        return new GetOnboardingPlanResponse { Plan = plan.ToProto(store.Today) };
    }

    public override async Task<CreateOnboardingPlanResponse> CreateOnboardingPlan(CreateOnboardingPlanRequest request, ServerCallContext context)
    {
        var v = new Violations().Identifier("account_id", request.AccountId);
        var start = ProtoConvert.ReadDate(v, "start_date", request.StartDate, required: true);
        v.ThrowIfAny();
        var plan = await store.CreatePlanAsync(request.AccountId, start!.Value, request.ReplaceExisting, context.CancellationToken);
        return new CreateOnboardingPlanResponse { Plan = plan.ToProto(store.Today) };
    }

    public override async Task<CompleteMilestoneResponse> CompleteMilestone(CompleteMilestoneRequest request, ServerCallContext context)
    {
        var v = new Violations()
            .Identifier("account_id", request.AccountId)
            .Identifier("milestone_key", request.MilestoneKey)
            .Text("completed_by", request.CompletedBy, 254, required: true)
            .Text("note", request.Note, 2000, multiline: true);
        var at = EventRequests.ReadTime(request.CompleteTime);
        if (at == EventRules.InvalidTime) v.Add("complete_time", "is not a valid timestamp");
        v.ThrowIfAny();
        var (plan, changed) = await store.CompleteMilestoneAsync(request.AccountId, request.MilestoneKey, request.CompletedBy.Trim(), request.Note, at, context.CancellationToken);
        return new CompleteMilestoneResponse { Plan = plan.ToProto(store.Today), Changed = changed };
    }

    public override async Task<ListOverdueMilestonesResponse> ListOverdueMilestones(ListOverdueMilestonesRequest request, ServerCallContext context)
    {
        var v = new Violations().Text("owner", request.Owner, 254);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        var owner = string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim();
        var tier = request.CsTier == CsTier.Unspecified ? (Domain.Accounts.CsTier?)null : AccountMapping.ToDomain(request.CsTier);
        var fingerprint = $"overdue|{owner}|{tier}|{store.Today:yyyy-MM-dd}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 3);
        OverdueCursor? after = null;
        if (key is not null)
        {
            if (DateOnly.TryParseExact(key[0], "yyyy-MM-dd", out var due)) after = new OverdueCursor(due, key[1], key[2]);
            else v.Add("page_token", "is not a token this service issued");
        }
        v.ThrowIfAny();

        var page = await store.ListOverdueAsync(owner, tier, pageSize, after, context.CancellationToken);
        var today = store.Today;
        var response = new ListOverdueMilestonesResponse();
        response.Milestones.AddRange(page.Items.Select(i => i.ToProto(today)));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = PageToken.Encode(fingerprint, last.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), last.AccountId, last.Key);
        }
        return response;
    }

    public override async Task<GetPlanTemplateResponse> GetPlanTemplate(GetPlanTemplateRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var tier = OnboardingMapping.ReadTier(v, "cs_tier", request.CsTier);
        v.ThrowIfAny();
        return new GetPlanTemplateResponse { Template = (await store.GetTemplateAsync(tier, context.CancellationToken)).ToProto() };
    }

    public override async Task<ReplacePlanTemplateResponse> ReplacePlanTemplate(ReplacePlanTemplateRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var tier = OnboardingMapping.ReadTier(v, "cs_tier", request.CsTier);
        v.Text("updated_by", request.UpdatedBy, 254, required: true);
        var milestones = OnboardingMapping.ReadMilestones(v, request.Milestones);
        v.ThrowIfAny();
        var template = await store.ReplaceTemplateAsync(tier, milestones, request.UpdatedBy.Trim(), context.CancellationToken);
        return new ReplacePlanTemplateResponse { Template = template.ToProto() };
    }
}
