using System.Text;
using CustomerHealth.Domain.Common;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Turns a request message that cannot be decoded (invalid UTF-8 in a string, a truncated field, a bad wire type,
/// nesting deeper than protobuf's recursion limit) into INVALID_ARGUMENT with a short reason. grpc-dotnet decodes a
/// request before any interceptor runs and answers UNKNOWN, with a stack trace in the log, to any exception the
/// decoder throws; an <see cref="RpcException"/> thrown there instead is sent as it is. See ADR 0049.
/// </summary>
public static class UndecodableRequests
{
    /// <summary>The <see cref="ErrorInfo"/> reason of an undecodable request.</summary>
    public const string Reason = "UNDECODABLE_REQUEST";

    /// <summary>A copy of <paramref name="method"/> whose request deserializer reports undecodable bytes as
    /// INVALID_ARGUMENT.</summary>
    /// <param name="logger">Where a rejection of a unary or server-streaming request is logged (debug level); the
    /// request stream of a streaming call is read inside the handler, whose interceptor logs its failures.</param>
    public static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method,
        ILogger logger)
    {
        var inner = method.RequestMarshaller;
        var readBeforeHandler = method.Type is MethodType.Unary or MethodType.ServerStreaming;
        var requests = new Marshaller<TRequest>(inner.ContextualSerializer, context =>
            Decode(inner, context, method.FullName, readBeforeHandler ? logger : null));
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests,
            method.ResponseMarshaller);
    }

    private static TRequest Decode<TRequest>(Marshaller<TRequest> inner, DeserializationContext context, string method,
        ILogger? logger)
    {
        try
        {
            return inner.ContextualDeserializer(context);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or DecoderFallbackException)
        {
            var rejection = Rejection(method, ex);
            if (logger is not null && logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("{Method} answered {StatusCode}: {Message}", method, rejection.StatusCode,
                    rejection.Status.Detail);
            throw rejection;
        }
    }

    /// <summary>The answer to an undecodable request: the decoder's first sentence, no stack trace.</summary>
    public static RpcException Rejection(string method, Exception decodingError)
    {
        var reason = decodingError is DecoderFallbackException
            ? "a string field is not valid UTF-8"
            : Excerpt.FirstSentence(decodingError.Message);
        var status = new Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"The request message could not be decoded: {reason}",
        };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo
        {
            Reason = Reason,
            Domain = ErrorMappingInterceptor.ErrorDomain,
            Metadata = { ["method"] = method },
        }));
        return status.ToRpcException();
    }
}
