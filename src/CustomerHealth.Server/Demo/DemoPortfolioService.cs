using CustomerHealth.Infrastructure.Persistence;
using CustomerHealth.Synthetic;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// In demo mode, once the server listens: if the database holds no account, fills it with a synthetic portfolio through
/// the server's own gRPC endpoint; a database that holds accounts is left alone. The service answers calls meanwhile.
/// </summary>
public sealed partial class DemoPortfolioService(
    DemoOptions options, DemoProgress progress, LoopbackChannel loopback, IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime, TimeProvider clock, ILogger<DemoPortfolioService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        progress.Loading(options.Accounts);
        if (!await StartedAsync(stoppingToken)) return;
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                if (await scope.ServiceProvider.GetRequiredService<CustomerHealthDbContext>()
                    .Accounts.AnyAsync(stoppingToken))
                {
                    LogLeftAlone(logger);
                    progress.LeftAlone();
                    return;
                }
            }
            var portfolio = options.Portfolio(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
            using var channel = loopback.Create();
            try
            {
                await PortfolioSeeding.RunAsync(
                    channel.CreateCallInvoker(), portfolio, logger, clock, stoppingToken, progress.AccountWritten);
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Every write of the load is idempotent, so a second pass completes what the first left undone.
                LogRetrying(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
                await PortfolioSeeding.RunAsync(
                    channel.CreateCallInvoker(), portfolio, logger, clock, stoppingToken, progress.AccountWritten);
            }
            progress.Complete();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped(logger);
        }
        catch (Exception ex)
        {
            progress.Failed();
            LogFailed(logger, ex);
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var onStart = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onStop = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Demo mode: the database already holds accounts, so no demo portfolio is written.")]
    private static partial void LogLeftAlone(ILogger logger);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Demo mode: stopped before the demo portfolio was complete; run the generate command to finish it " +
            "(every write is idempotent).")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Demo mode: a call of the demo load failed; loading once more (the writes are idempotent).")]
    private static partial void LogRetrying(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo mode: writing the demo portfolio failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
