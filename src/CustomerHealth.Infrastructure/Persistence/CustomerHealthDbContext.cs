using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Engagement;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Renewals;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>The one DbContext of the service. Mapping lives in <c>Configurations/</c>, one class per entity.</summary>
public sealed class CustomerHealthDbContext(DbContextOptions<CustomerHealthDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Contract> Contracts => Set<Contract>();
    public DbSet<UsageEventRow> UsageEvents => Set<UsageEventRow>();
    public DbSet<UserDailyActivity> UserDailyActivity => Set<UserDailyActivity>();
    public DbSet<UserActiveDays> UserActiveDays => Set<UserActiveDays>();
    public DbSet<AccountDailyUsage> AccountDailyUsage => Set<AccountDailyUsage>();
    public DbSet<AccountFeatureDailyUsage> AccountFeatureDailyUsage => Set<AccountFeatureDailyUsage>();
    public DbSet<EventCatalogueRow> EventCatalogue => Set<EventCatalogueRow>();
    public DbSet<NpsResponse> NpsResponses => Set<NpsResponse>();
    public DbSet<SupportTicket> SupportTickets => Set<SupportTicket>();
    public DbSet<Touchpoint> Touchpoints => Set<Touchpoint>();
    public DbSet<OnboardingPlan> OnboardingPlans => Set<OnboardingPlan>();
    public DbSet<Milestone> OnboardingMilestones => Set<Milestone>();
    public DbSet<PlanTemplateRow> PlanTemplates => Set<PlanTemplateRow>();
    public DbSet<OnboardingEvaluationRow> OnboardingEvaluationQueue => Set<OnboardingEvaluationRow>();
    public DbSet<HealthScoreRow> HealthScores => Set<HealthScoreRow>();
    public DbSet<HealthSnapshotRow> HealthSnapshots => Set<HealthSnapshotRow>();
    public DbSet<ScorecardRow> Scorecards => Set<ScorecardRow>();
    public DbSet<HealthRecomputeRow> HealthRecomputeQueue => Set<HealthRecomputeRow>();
    public DbSet<HealthChangeRow> HealthChanges => Set<HealthChangeRow>();
    public DbSet<HealthOverrideRow> HealthOverrides => Set<HealthOverrideRow>();
    public DbSet<HealthAuditRow> HealthAudit => Set<HealthAuditRow>();
    public DbSet<WorkLease> WorkLeases => Set<WorkLease>();
    public DbSet<RenewalModelRow> RenewalModels => Set<RenewalModelRow>();
    public DbSet<RenewalPredictionRow> RenewalPredictions => Set<RenewalPredictionRow>();
    public DbSet<RenewalPredictionChangeRow> RenewalPredictionChanges => Set<RenewalPredictionChangeRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CustomerHealthDbContext).Assembly);
        if (Database.IsSqlServer())
        {
            // SQL Server compares strings case-insensitively by default; CRM ids are case-sensitive everywhere else.
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            {
                if (property.ClrType == typeof(string) && (property.IsKey() || property.IsForeignKey() || property.IsIndex()))
                    property.SetCollation(SqlServerIdCollation);
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is UTC: stored without offset, read back with DateTimeKind.Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>A binary (case- and accent-sensitive) collation for ids on SQL Server.</summary>
    public const string SqlServerIdCollation = "Latin1_General_100_BIN2_UTF8";
}
