using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Onboarding;

/// <summary>Onboarding plans, templates and overdue milestones mapped to v1 (requests: OnboardingRequests).</summary>
public static class OnboardingMapping
{
    public static V1.OnboardingPlan ToProto(this OnboardingPlan plan, DateOnly today)
    {
        var message = new V1.OnboardingPlan
        {
            AccountId = plan.AccountId,
            StartDate = ProtoConvert.ToDate(plan.StartDate),
            CsTier = AccountMapping.ToProto(plan.Tier),
            TemplateVersion = plan.TemplateVersion,
            Status = (V1.PlanStatus)plan.StatusOn(today),
            DaysSinceStart = today.DayNumber - plan.StartDate.DayNumber,
            CreateTime = ProtoConvert.ToTimestamp(plan.CreatedAt),
            UpdateTime = ProtoConvert.ToTimestamp(plan.UpdatedAt),
        };
        if (plan.TimeToValueDays is { } ttv) message.TimeToValueDays = ttv;
        message.Milestones.AddRange(plan.Milestones.Select(m => new V1.PlanMilestone
        {
            Key = m.Key,
            Title = m.Title,
            DueDay = m.DueDay,
            DueDate = ProtoConvert.ToDate(m.DueDate),
            Rule = m.Rule.ToProto(),
            Status = (V1.MilestoneStatus)m.StatusOn(today),
            CompleteTime = m.CompletedAt is { } at ? ProtoConvert.ToTimestamp(at) : null,
            CompletionMethod = (V1.CompletionMethod)m.CompletedHow,
            CompletedBy = m.CompletedBy ?? "",
            Note = m.Note ?? "",
        }));
        return message;
    }

    public static V1.PlanTemplate ToProto(this PlanTemplate template)
    {
        var message = new V1.PlanTemplate
        {
            CsTier = AccountMapping.ToProto(template.Tier),
            Version = template.Version,
            CreateTime = ProtoConvert.ToTimestamp(template.CreatedAt),
            CreatedBy = template.CreatedBy,
        };
        message.Milestones.AddRange(
            template.Milestones.Select(m =>
                new V1.MilestoneTemplate { Key = m.Key, Title = m.Title, DueDay = m.DueDay, Rule = m.Rule.ToProto() }));
        return message;
    }

    public static V1.OverdueMilestone ToProto(this OverdueItem item, DateOnly today) => new()
    {
        AccountId = item.AccountId,
        AccountDisplayName = item.DisplayName,
        Owner = item.Owner ?? "",
        CsTier = AccountMapping.ToProto(item.Tier),
        MilestoneKey = item.Key,
        Title = item.Title,
        DueDate = ProtoConvert.ToDate(item.DueDate),
        DaysOverdue = today.DayNumber - item.DueDate.DayNumber,
    };

    private static V1.MilestoneRule ToProto(this MilestoneRule rule) =>
        new()
        {
            Kind = (V1.MilestoneRuleKind)rule.Kind, EventName = rule.EventName ?? "", Count = rule.Count,
            Share = rule.Share
        };
}
