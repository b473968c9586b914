using Grpc.Core;

namespace CustomerHealth.Server.Grpc;

/// <summary>The start of a server-streaming watch (health changes, plays).</summary>
public static class WatchStart
{
    /// <summary>
    /// Sends the response headers at once, so the caller's call has started before the first change (a quiet feed may
    /// write nothing for minutes). Without them, a watch that ends on its deadline or on the caller's cancellation ends
    /// while the caller is still waiting for the response to start, and a client that sees the stream reset then
    /// (grpc-dotnet's in-memory test host) reports INTERNAL instead of DEADLINE_EXCEEDED or CANCELLED. False when the
    /// call has already ended.
    /// </summary>
    public static async Task<bool> StartAsync(ServerCallContext context, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return false;
        try
        {
            await context.WriteResponseHeadersAsync([]);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException
            && context.CancellationToken.IsCancellationRequested)
        {
            return false; // the deadline passed or the caller left meanwhile: the call has already ended
        }
    }
}
