using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Persistence;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Status = Google.Rpc.Status;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Turns the domain's exceptions into <c>google.rpc.Status</c> errors with details, so callers get INVALID_ARGUMENT
/// with field violations, NOT_FOUND with the resource, FAILED_PRECONDITION with a reason code, UNAVAILABLE for
/// transient database trouble (<see cref="DatabaseUnavailable"/>), and never UNKNOWN. Anything unexpected is logged and
/// answered INTERNAL without internals. Every answer stays within <see cref="StatusBounds"/>; a caller's mistake is
/// logged at debug level without a stack trace, and repeated lines are throttled (<see cref="LogThrottle"/>).
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, LogThrottle throttle) : Interceptor
{
    public const string ErrorDomain = DomainErrorStatus.ErrorDomain;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
            ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
            ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
            ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex)
        {
            throw Fail(ex, context);
        }
    }

    /// <summary>The answer to a call that threw <paramref name="exception"/>, bounded and logged.</summary>
    private RpcException Fail(Exception exception, ServerCallContext context)
    {
        var answer = exception is RpcException thrown ? StatusBounds.Bound(thrown) : Map(exception, context);
        if (answer.StatusCode is not (StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable)
            && logger.IsEnabled(LogLevel.Debug) && throttle.ShouldLog($"{context.Method}|{answer.StatusCode}",
                out var left))
        {
            logger.LogDebug("{Method} answered {StatusCode}: {Message} ({Suppressed} similar left out)",
                context.Method, answer.StatusCode, Excerpt.FirstSentence(answer.Status.Detail), left);
        }
        return answer;
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        if (DomainErrorStatus.From(exception) is { } domain) return domain.ToRpcException();
        switch (exception)
        {
            // The client cancelled or reset the call, or its deadline passed: the request stream may fail with an
            // IOException then (a reset stream), which is no error of the service either.
            case OperationCanceledException or IOException when context.CancellationToken.IsCancellationRequested:
                return Build(Code.Cancelled, "The call was cancelled by the client or timed out.");

            case DbUpdateConcurrencyException:
                return Build(
                    Code.Aborted, "A concurrent change to the same data won; retry the request.",
                    Info("CONCURRENT_MODIFICATION"));

            case Exception unavailable when DatabaseOutages.IsUnavailable(unavailable):
                DatabaseOutages.ForgetBrokenConnections(unavailable);
                logger.LogWarning("The database is unavailable in {Method}: {Failure}",
                    context.Method, Innermost(unavailable));
                return Build(Code.Unavailable, DatabaseUnavailable.Message,
                    Info(DatabaseUnavailable.Reason), DatabaseUnavailable.Retry);

            default:
                var traceId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.GetHttpContext()
                    .TraceIdentifier;
                if (throttle.ShouldLog($"{context.Method}|{exception.GetType().FullName}", out var left))
                    logger.LogError(exception,
                        "Unhandled error in {Method} (trace {TraceId}; {Suppressed} like it left out)",
                        context.Method, traceId, left);
                return Build(
                    Code.Internal, $"An internal error occurred (trace {traceId}); it has been logged.",
                    Info("INTERNAL", new Dictionary<string, string> { ["trace_id"] = traceId }));
        }
    }

    /// <summary>The root cause's type and message, for a log line without a stack trace.</summary>
    private static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return $"{inner.GetType().Name}: {inner.Message}";
    }

    private static ErrorInfo Info(string reason, IReadOnlyDictionary<string, string>? metadata = null) =>
        DomainErrorStatus.Info(reason, metadata);

    private static RpcException Build(Code code, string message, params Google.Protobuf.IMessage[] details) =>
        DomainErrorStatus.Build(code, message, details).ToRpcException();
}
