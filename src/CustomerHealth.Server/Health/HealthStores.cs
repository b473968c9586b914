using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Audit;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Health;

namespace CustomerHealth.Server.Health;

/// <summary>
/// What <see cref="HealthGrpcService"/> calls in Infrastructure, for one call (scoped), each built from the call's
/// scope on first use. grpc-dotnet creates the service class for every call, and building all six with their DbContext
/// cost about 48 µs even when the call used none of them: <c>GetHealthScore</c>, the hot read, mostly answers from
/// <see cref="HealthReadCache"/> alone (measured with the score-read benchmark: 44 % of the bare server's throughput
/// with the stores built up front, 64–74 % with them built on first use).
/// </summary>
public sealed class HealthStores(IServiceProvider services)
{
    public HealthStore Scores => field ??= services.GetRequiredService<HealthStore>();

    public ScorecardStore Scorecards => field ??= services.GetRequiredService<ScorecardStore>();

    public HealthChangeFeed Changes => field ??= services.GetRequiredService<HealthChangeFeed>();

    public HealthOverrideStore Overrides => field ??= services.GetRequiredService<HealthOverrideStore>();

    public HealthRecomputer Recomputer => field ??= services.GetRequiredService<HealthRecomputer>();

    public HealthBacktester Backtester => field ??= services.GetRequiredService<HealthBacktester>();

    public ScorecardProposer Proposer => field ??= services.GetRequiredService<ScorecardProposer>();

    public AuditStore Audit => field ??= services.GetRequiredService<AuditStore>();

    public AccountSummaries Accounts => field ??= services.GetRequiredService<AccountSummaries>();

    public ExchangeRateStore Rates => field ??= services.GetRequiredService<ExchangeRateStore>();

    public AccountTrees Trees => field ??= services.GetRequiredService<AccountTrees>();
}
