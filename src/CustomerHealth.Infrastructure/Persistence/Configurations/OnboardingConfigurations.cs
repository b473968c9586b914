using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Onboarding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class OnboardingPlanConfiguration : IEntityTypeConfiguration<OnboardingPlan>
{
    public void Configure(EntityTypeBuilder<OnboardingPlan> builder)
    {
        builder.ToTable("onboarding_plans");
        builder.HasKey(p => p.AccountId);
        builder.Property(p => p.AccountId).HasColumnName("account_id").HasMaxLength(Identifiers.MaxLength);
        builder.Property(p => p.StartDate).HasColumnName("start_date");
        builder.Property(p => p.Tier).HasColumnName("tier");
        builder.Property(p => p.TemplateVersion).HasColumnName("template_version");
        builder.Property(p => p.CreatedAt).HasColumnName("created_at");
        builder.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        builder.HasOne<Account>().WithOne().HasForeignKey<OnboardingPlan>(p => p.AccountId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Milestones).WithOne().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(p => p.Milestones).HasField("_milestones").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class MilestoneConfiguration : IEntityTypeConfiguration<Milestone>
{
    public void Configure(EntityTypeBuilder<Milestone> builder)
    {
        builder.ToTable(SqlSchema.Milestones.Table);
        builder.HasKey(m => new { m.AccountId, m.Key });
        builder.Property(m => m.AccountId).HasColumnName(SqlSchema.Milestones.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(m => m.Key).HasColumnName("milestone_key").HasMaxLength(MilestoneTemplate.MaxKeyLength);
        builder.Property(m => m.Title).HasColumnName("title").HasMaxLength(MilestoneTemplate.MaxTitleLength);
        builder.Property(m => m.DueDay).HasColumnName("due_day");
        builder.Property(m => m.DueDate).HasColumnName("due_date");
        builder.Property(m => m.Position).HasColumnName("position");
        builder.Property(m => m.CompletedAt).HasColumnName(SqlSchema.Milestones.CompletedAt);
        builder.Property(m => m.CompletedHow).HasColumnName(SqlSchema.Milestones.CompletedHow);
        builder.Property(m => m.CompletedBy).HasColumnName("completed_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(m => m.Note).HasColumnName("note").HasMaxLength(Milestone.MaxNoteLength);
        builder.ComplexProperty(m => m.Rule, rule =>
        {
            rule.Property(r => r.Kind).HasColumnName(SqlSchema.Milestones.RuleKind);
            rule.Property(r => r.EventName).HasColumnName("rule_event_name")
                .HasMaxLength(EventRules.MaxEventNameLength);
            rule.Property(r => r.Count).HasColumnName("rule_count");
            rule.Property(r => r.Share).HasColumnName("rule_share");
        });
        builder.Ignore(m => m.IsDone);
        // CSM work queues: open milestones by due date.
        builder.HasIndex(m => new { m.DueDate, m.AccountId, m.Key }).HasDatabaseName("ix_onboarding_milestones_due");
    }
}

internal sealed class PlanTemplateConfiguration : IEntityTypeConfiguration<PlanTemplateRow>
{
    public void Configure(EntityTypeBuilder<PlanTemplateRow> builder)
    {
        builder.ToTable("onboarding_templates");
        builder.HasKey(t => new { t.Tier, t.Version });
        builder.Property(t => t.Tier).HasColumnName("tier");
        builder.Property(t => t.Version).HasColumnName("version");
        builder.Property(t => t.MilestonesJson).HasColumnName("milestones").IsRequired();
        builder.Property(t => t.CreatedAt).HasColumnName("created_at");
        builder.Property(t => t.CreatedBy).HasColumnName("created_by").HasMaxLength(PersonNames.MaxLength);
    }
}

internal sealed class OnboardingEvaluationConfiguration : IEntityTypeConfiguration<OnboardingEvaluationRow>
{
    public void Configure(EntityTypeBuilder<OnboardingEvaluationRow> builder)
    {
        builder.ToTable(SqlSchema.OnboardingEvaluationQueue.Table);
        builder.HasKey(q => q.AccountId);
        builder.Property(q => q.AccountId).HasColumnName(SqlSchema.OnboardingEvaluationQueue.AccountId)
            .HasMaxLength(Identifiers.MaxLength);
        builder.Property(q => q.MarkedAt).HasColumnName(SqlSchema.OnboardingEvaluationQueue.MarkedAt);
        builder.HasOne<Account>().WithMany().HasForeignKey(q => q.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(q => q.MarkedAt).HasDatabaseName("ix_onboarding_evaluation_queue_marked");
    }
}
