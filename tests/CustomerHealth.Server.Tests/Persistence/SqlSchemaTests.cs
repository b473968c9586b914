using System.Reflection;
using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Onboarding;
using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Infrastructure.Renewals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CustomerHealth.Server.Tests.Persistence;

/// <summary>
/// The names that hand-written SQL takes from <see cref="SqlSchema"/> are those of the EF Core model, on every engine's
/// model (built without connecting, so SQL Server's is checked here too): each constant is the column of the entity
/// property of the same name, <c>Key</c> is the primary key's columns in order, <c>Columns</c> lists columns of the
/// table.
/// </summary>
public sealed class SqlSchemaTests
{
    private static readonly Dictionary<Type, Type> Entities = new()
    {
        [typeof(SqlSchema.Accounts)] = typeof(Account),
        [typeof(SqlSchema.Contracts)] = typeof(Contract),
        [typeof(SqlSchema.OnboardingPlans)] = typeof(OnboardingPlan),
        [typeof(SqlSchema.UsageEvents)] = typeof(UsageEventRow),
        [typeof(SqlSchema.UserDailyActivity)] = typeof(UserDailyActivity),
        [typeof(SqlSchema.UserActiveDays)] = typeof(UserActiveDays),
        [typeof(SqlSchema.AccountDailyUsage)] = typeof(AccountDailyUsage),
        [typeof(SqlSchema.AccountFeatureDailyUsage)] = typeof(AccountFeatureDailyUsage),
        [typeof(SqlSchema.EventCatalogue)] = typeof(EventCatalogueRow),
        [typeof(SqlSchema.Milestones)] = typeof(Milestone),
        [typeof(SqlSchema.OnboardingEvaluationQueue)] = typeof(OnboardingEvaluationRow),
        [typeof(SqlSchema.HealthRecomputeQueue)] = typeof(HealthRecomputeRow),
        [typeof(SqlSchema.HealthChanges)] = typeof(HealthChangeRow),
        [typeof(SqlSchema.HealthScores)] = typeof(HealthScoreRow),
        [typeof(SqlSchema.HealthOverrides)] = typeof(HealthOverrideRow),
        [typeof(SqlSchema.PlayChanges)] = typeof(global::CustomerHealth.Infrastructure.Plays.PlayChangeRow),
        [typeof(SqlSchema.RenewalPredictionChanges)] = typeof(RenewalPredictionChangeRow),
    };

    private static readonly string[] Lists = ["Key", "Columns"];

    public static TheoryData<DatabaseProvider> Providers => new(Enum.GetValues<DatabaseProvider>());

    [Fact]
    public void EveryTableOfTheSchemaIsChecked()
    {
        var tables = typeof(SqlSchema).GetNestedTypes().Where(t => t != typeof(SqlSchema.Values));
        Assert.Equal(tables.OrderBy(t => t.Name), Entities.Keys.OrderBy(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EveryNameIsTheModelsName(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var model = db.GetService<IDesignTimeModel>().Model;
        foreach (var (schema, clrType) in Entities)
        {
            var entity = model.FindEntityType(clrType)
                ?? throw new InvalidOperationException($"{clrType.Name} is not mapped");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Assert.Equal(Constant(schema, "Table"), table.Name);
            var columns = Columns(entity, table);
            foreach (var field in Constants(schema)
                .Where(f => f.Name is not ("Table" or "PrimaryKey") && !Lists.Contains(f.Name)))
            {
                Assert.True(
                    columns.TryGetValue(field.Name, out var column),
                    $"{schema.Name}.{field.Name} names no property of {clrType.Name}");
                Assert.Equal(column, (string)field.GetRawConstantValue()!);
            }
            if (Constants(schema).Any(f => f.Name == "PrimaryKey"))
                Assert.Equal(Constant(schema, "PrimaryKey"), entity.FindPrimaryKey()!.GetName());
            if (Constants(schema).Any(f => f.Name == "Key"))
            {
                var key = entity.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName(table)).ToArray();
                Assert.Equal(key, Split(Constant(schema, "Key")));
            }
            if (Constants(schema).Any(f => f.Name == "Columns"))
                Assert.All(Split(Constant(schema, "Columns")), c => Assert.Contains(c, columns.Values));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void EnumValuesInSqlAreStoredAsTheirNumbers(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var milestone = db.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Milestone))!;
        var completedHow = milestone.FindProperty(nameof(Milestone.CompletedHow))!;
        var ruleKind = milestone.FindComplexProperty(nameof(Milestone.Rule))!.ComplexType.FindProperty(
            nameof(MilestoneRule.Kind))!;
        foreach (var property in new[] { completedHow, ruleKind })
            Assert.Equal(typeof(int), property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType);
        Assert.Equal(
            ((int)MilestoneRuleKind.Manual).ToString(System.Globalization.CultureInfo.InvariantCulture),
            SqlSchema.Values.ManualRule);
        Assert.Equal(
            ((int)CompletionMethod.Rule).ToString(System.Globalization.CultureInfo.InvariantCulture),
            SqlSchema.Values.CompletedByRule);
    }

    [Fact]
    public void TheRebuiltTablesNameTheirAccountAndDayAlike()
    {
        // RollupRebuilder scopes its statements on every rollup table and the raw events with one condition.
        Assert.All(
            new[] { SqlSchema.UsageEvents.Day, SqlSchema.AccountDailyUsage.Day,
            SqlSchema.AccountFeatureDailyUsage.Day },
            day => Assert.Equal(SqlSchema.UserDailyActivity.Day, day));
        Assert.All(
            new[] { SqlSchema.UsageEvents.AccountId, SqlSchema.AccountDailyUsage.AccountId,
            SqlSchema.AccountFeatureDailyUsage.AccountId },
            account => Assert.Equal(SqlSchema.UserDailyActivity.AccountId, account));
    }

    /// <summary>Property name (a complex property's: its name and its property's) to column name.</summary>
    private static Dictionary<string, string> Columns(IEntityType entity, StoreObjectIdentifier table)
    {
        var columns = entity.GetProperties().ToDictionary(p => p.Name, p => p.GetColumnName(table)!);
        foreach (var complex in entity.GetComplexProperties())
        {
            foreach (var p in complex.ComplexType.GetProperties()) columns[complex.Name + p.Name] = p.GetColumnName(
                table)!;
        }
        // An owned type stored in the same row (a contract's outcome): its columns by navigation and property name.
        foreach (var owned in entity.GetNavigations().Where(n => n.ForeignKey.IsOwnership && !n.IsOnDependent))
        {
            foreach (var p in owned.TargetEntityType.GetProperties().Where(p => !p.IsPrimaryKey()))
                columns[owned.Name + p.Name] = p.GetColumnName(table)!;
        }
        return columns;
    }

    private static DbContext Context(DatabaseProvider provider)
    {
        var connectionString = provider switch
        {
            DatabaseProvider.Sqlite => "Data Source=:memory:",
            DatabaseProvider.PostgreSql => "Host=127.0.0.1;Database=unused",
            _ => "Server=127.0.0.1;Database=unused",
        };
        var builder = new DbContextOptionsBuilder<CustomerHealthDbContext>();
        DatabaseRegistration.Configure(builder, new DatabaseOptions { Provider = provider }, connectionString);
        return new CustomerHealthDbContext(builder.Options);
    }

    private static FieldInfo[] Constants(Type schema) =>
        schema.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).ToArray();

    private static string Constant(Type schema, string name) =>
        (string)Constants(schema).Single(f => f.Name == name).GetRawConstantValue()!;

    private static string[] Split(string list) => list.Split(", ");
}
