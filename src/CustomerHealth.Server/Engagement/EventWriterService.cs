using CustomerHealth.Infrastructure.Engagement;

namespace CustomerHealth.Server.Engagement;

/// <summary>
/// Runs the usage-event writers for the life of the host: starts the write loops of <see cref="EventIngestionQueue"/>
/// (one per lane) and, at shutdown, after the server has stopped taking calls, lets them store and answer every batch
/// already queued. A batch is answered only once committed, whenever the process stops.
/// </summary>
public sealed class EventWriterService(EventIngestionQueue queue) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        queue.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => queue.StopAsync();
}
