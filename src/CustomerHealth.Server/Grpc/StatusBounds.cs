using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// The server-wide guard on error answers: a status travels in HTTP/2 trailers (<c>grpc-message</c>, and
/// <c>grpc-status-details-bin</c> in base64), and trailers larger than the client accepts are never delivered, which
/// stalls every later call on the same connection. Whatever a handler throws, the answer stays within these bounds.
/// </summary>
public static class StatusBounds
{
    /// <summary>The longest <c>grpc-message</c>, in characters.</summary>
    public const int MaxMessageLength = 1024;

    /// <summary>The largest encoded <c>google.rpc.Status</c> (base64 makes the trailer a third larger: about 5.4
    /// KB).</summary>
    public const int MaxDetailsBytes = 4096;

    /// <summary>The longest description of one field violation.</summary>
    public const int MaxDescriptionLength = 256;

    private const string DetailsTrailer = "grpc-status-details-bin";

    /// <summary>
    /// <paramref name="status"/> trimmed to the bounds: a shorter message, shorter field violations, then only the
    /// first field violations and the first details that fit.
    /// </summary>
    public static Status Bound(Status status)
    {
        status.Message = Shorten(status.Message, MaxMessageLength);
        if (status.CalculateSize() <= MaxDetailsBytes) return status;
        var details = status.Details.ToList();
        status.Details.Clear();
        foreach (var detail in details)
        {
            var room = MaxDetailsBytes - status.CalculateSize() - 16;
            var bounded = detail.TryUnpack<BadRequest>(out var badRequest) ? Any.Pack(Shorten(badRequest, room))
                : detail;
            if (bounded.CalculateSize() > room) break;
            status.Details.Add(bounded);
        }
        return status;
    }

    /// <summary>
    /// An exception thrown by a handler, trimmed to the bounds (the same instance when it already fits); a rich status
    /// is rebuilt from its details trailer, a plain one keeps its code with a shorter message.
    /// </summary>
    public static RpcException Bound(RpcException exception)
    {
        var rich = exception.GetRpcStatus();
        var oversized = exception.Status.Detail.Length > MaxMessageLength
            || exception.Trailers.Any(t => t.IsBinary && t.Key == DetailsTrailer
                && t.ValueBytes.Length > MaxDetailsBytes);
        if (!oversized) return exception;
        if (rich is not null) return Bound(rich).ToRpcException();
        return new RpcException(new global::Grpc.Core.Status(exception.StatusCode, Shorten(exception.Status.Detail,
            MaxMessageLength)));
    }

    /// <summary>The first field violations that fit in <paramref name="room"/> bytes, each with shortened
    /// texts.</summary>
    private static BadRequest Shorten(BadRequest badRequest, int room)
    {
        var bounded = new BadRequest();
        foreach (var violation in badRequest.FieldViolations)
        {
            var shortened = new BadRequest.Types.FieldViolation
            {
                Field = Shorten(violation.Field, MaxDescriptionLength),
                Description = Shorten(violation.Description, MaxDescriptionLength),
            };
            if (bounded.CalculateSize() + shortened.CalculateSize() + 8 > room) break;
            bounded.FieldViolations.Add(shortened);
        }
        return bounded;
    }

    private static string Shorten(string text, int max) =>
        text.Length <= max ? text : text[..(max - 1)] + "…";
}
