using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// The answer to a call made while the database is away (<see cref="Infrastructure.Persistence.DatabaseOutages"/>):
/// UNAVAILABLE, which gRPC clients retry, with <c>ErrorInfo</c> reason <see cref="Reason"/> and a <c>RetryInfo</c>
/// that asks for a short pause first. Given within <c>Database:MaxWaitSeconds</c> of the call, never after a minute.
/// </summary>
public static class DatabaseUnavailable
{
    public const string Reason = "DATABASE_UNAVAILABLE";
    public const string Message = "The database is temporarily unavailable; retry with backoff.";

    /// <summary>The pause a caller should make before retrying.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public static RetryInfo Retry => new() { RetryDelay = Duration.FromTimeSpan(RetryDelay) };
}
