using CustomerHealth.Server.Tests.Infrastructure;

namespace CustomerHealth.Server.Tests.Hosting;

/// <summary>An invalid setting stops the real host at start-up, with a message that names the key.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Database:SqliteBusyTimeoutMs", "-1")]
    [InlineData("Database:SqliteSynchronous", "SOMETIMES")]
    [InlineData("Database:MigrationCommandTimeoutSeconds", "0")]
    [InlineData("Database:MaxWaitSeconds", "0")]
    [InlineData("Database:MaxWaitSeconds", "301")]
    [InlineData("Engagement:RawEventRetentionDays", "0")]
    [InlineData("Engagement:PurgeInterval", "00:00:00.5")]
    [InlineData("Onboarding:EvaluationInterval", "00:00:00.001")]
    [InlineData("Onboarding:BatchSize", "0")]
    [InlineData("Health:BatchSize", "2001")]
    [InlineData("Health:ReadCacheTtl", "00:02:00")]
    [InlineData("Health:ReadModelMaxAccounts", "0")]
    [InlineData("Health:ReadModelOverlap", "00:00:00.5")]
    [InlineData("Health:WatchPollInterval", "00:00:00")]
    [InlineData("Renewals:HorizonDays", "0")]
    [InlineData("Renewals:ReconcileInterval", "00:00:00.001")]
    [InlineData("Renewals:CalibrationShare", "0.5")]
    [InlineData("Renewals:FitParallelism", "0")]
    [InlineData("Renewals:ReadParallelism", "65")]
    [InlineData("Renewals:ChangeThreshold", "1.5")]
    [InlineData("Renewals:MinimumOutcomesPerClass", "9")]
    [InlineData("Demo:Accounts", "0")]
    [InlineData("Stakeholders:ChampionQuietDays", "6")]
    [InlineData("Stakeholders:ChampionQuietDays", "61")]
    [InlineData("Demo:ActivityDays", "100000")]
    [InlineData("Authentication:Jwt:ClockSkew", "01:00:00")]
    [InlineData("RateLimits:Read:RequestsPerSecond", "0")]
    [InlineData("RateLimits:Admin:ConcurrentStreams", "0")]
    public async Task AnInvalidSettingStopsStartUpNamingTheKey(string key, string value)
    {
        await using var database = new SqliteTestDatabase();
        await database.InitializeAsync();
        await using var service = Configured(database, new Dictionary<string, string> { [key] = value });

        var failure = Record.Exception(() => service.Server);

        Assert.NotNull(failure);
        Assert.Contains(key, MessagesOf(failure));
    }

    [Fact]
    public async Task EveryBrokenSettingOfASectionIsReportedAtOnce()
    {
        await using var database = new SqliteTestDatabase();
        await database.InitializeAsync();
        var settings = new Dictionary<string, string>
        {
            ["Health:BatchSize"] = "0",
            ["Health:RecomputeInterval"] = "00:00:00",
        };
        await using var service = Configured(database, settings);

        var messages = MessagesOf(Record.Exception(() => service.Server)!);

        Assert.Contains("Health:BatchSize must be from 1 to 2,000", messages);
        Assert.Contains("Health:RecomputeInterval must be at least 10 ms", messages);
    }

    private static ServiceUnderTest Configured(TestDatabase database, Dictionary<string, string> settings) =>
        new(database, new ManualClock(DateTimeOffset.UtcNow), migrateOnStartup: false, settings: settings);

    private static string MessagesOf(Exception failure)
    {
        var messages = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException) messages.Add(e.Message);
        if (failure is AggregateException aggregate)
            messages.AddRange(aggregate.Flatten().InnerExceptions.Select(e => e.Message));
        return string.Join(" | ", messages);
    }
}
