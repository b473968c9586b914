using CustomerHealth.Infrastructure.Coordination;
using CustomerHealth.Infrastructure.Onboarding;
using CustomerHealth.Server.Hosting;

namespace CustomerHealth.Server.Onboarding;

/// <summary>
/// Completes automatic onboarding milestones as events arrive: ingestion queues the accounts that have open automatic
/// milestones, and this worker evaluates them, without anyone calling anything. With several replicas on one database,
/// the one holding the lease <see cref="ReplicaLeases.Names.OnboardingEvaluation"/> does it.
/// </summary>
public sealed class OnboardingWorker(
    IServiceScopeFactory scopes, OnboardingOptions options, TimeProvider clock, ReplicaLeases leases,
    ILogger<OnboardingWorker> logger)
    : BackgroundService
{
    private TimeSpan LeaseLength => ReplicaLeases.LengthFor(options.EvaluationInterval);

    // A failed pass leaves the queue entries, so the next one evaluates them again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedLoop.RunAsync(leases, clock, ReplicaLeases.Names.OnboardingEvaluation, options.EvaluationInterval,
            LeaseLength, PassAsync, logger, "Onboarding evaluation", stoppingToken);

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        int evaluated;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            evaluated = await scope.ServiceProvider.GetRequiredService<OnboardingStore>()
                .EvaluateQueuedAsync(options.BatchSize, stoppingToken);
        }
        while (evaluated == options.BatchSize && !stoppingToken.IsCancellationRequested);
    }
}
