using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Tests.Onboarding;

public sealed class PlanTemplatesOnSqlite(SqliteTestDatabase database)
    : PlanTemplateTests<SqliteTestDatabase>(database);

public sealed class PlanTemplatesOnPostgreSql(PostgreSqlTestDatabase database)
    : PlanTemplateTests<PostgreSqlTestDatabase>(database);

public sealed class PlanTemplatesOnSqlServer(SqlServerTestDatabase database)
    : PlanTemplateTests<SqlServerTestDatabase>(database);

/// <summary>
/// Replacing plan templates. A class (and so a database) of its own: a new template version would change what the other
/// onboarding tests create.
/// </summary>
public abstract class PlanTemplateTests<TDatabase>(TDatabase database) : OnboardingScenario<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [Fact]
    public async Task ANewTemplateVersionAppliesToNewPlansOnly()
    {
        await GivenCustomer("before-change", CsTier.LowTouch);
        var template = (await Onboarding.GetPlanTemplateAsync(
            new() { CsTier = CsTier.LowTouch }, cancellationToken: Ct)).Template;
        Assert.Equal(1, template.Version);
        Assert.Equal("built-in", template.CreatedBy);

        var replaced = await Onboarding.ReplacePlanTemplateAsync(new()
        {
            CsTier = CsTier.LowTouch,
            UpdatedBy = "ops@example.com",
            Milestones =
            {
                new MilestoneTemplate { Key = "first_login", Title = "First login", DueDay = 2,
                    Rule = new MilestoneRule { Kind = MilestoneRuleKind.FirstEvent, EventName = "login" } },
                new MilestoneTemplate { Key = "first_value", Title = "First value", DueDay = 21,
                    Rule = new MilestoneRule { Kind = MilestoneRuleKind.FirstValue } },
            },
        }, cancellationToken: Ct);
        await GivenCustomer("after-change", CsTier.LowTouch);

        Assert.Equal(2, replaced.Template.Version);
        Assert.Equal(1, (await Plan("before-change")).TemplateVersion);
        Assert.Equal(5, (await Plan("before-change")).Milestones.Count);
        var newPlan = await Plan("after-change");
        Assert.Equal(2, newPlan.TemplateVersion);
        Assert.Equal(["first_login", "first_value"], newPlan.Milestones.Select(m => m.Key));
    }

    [Fact]
    public async Task InvalidTemplatesAreRejected()
    {
        await RejectsField(
            "cs_tier", () => Onboarding.GetPlanTemplateAsync(new(), cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "milestones",
            () => Onboarding.ReplacePlanTemplateAsync(
                new() { CsTier = CsTier.TechTouch, UpdatedBy = "ops" }, cancellationToken: Ct).ResponseAsync);
        var bad = new ReplacePlanTemplateRequest
        {
            CsTier = CsTier.TechTouch,
            UpdatedBy = "ops",
            Milestones =
            {
                new MilestoneTemplate { Key = "a", Title = "A", DueDay = 5,
                    Rule = new MilestoneRule { Kind = MilestoneRuleKind.Manual } },
                new MilestoneTemplate { Key = "a", Title = "Again", DueDay = 400,
                    Rule = new MilestoneRule { Kind = MilestoneRuleKind.ActiveSeatShare, Share = 1.5 } },
            },
        };
        var violations = await RejectsField(
            "milestones[1].key", () => Onboarding.ReplacePlanTemplateAsync(bad, cancellationToken: Ct).ResponseAsync);
        Assert.Contains(violations.FieldViolations, v => v.Field == "milestones[1].due_day");
        Assert.Contains(violations.FieldViolations, v => v.Field == "milestones[1].rule");
        Assert.Equal(
            1, (await Onboarding.GetPlanTemplateAsync(new() { CsTier = CsTier.TechTouch }, cancellationToken: Ct))
            .Template.Version);
    }
}
