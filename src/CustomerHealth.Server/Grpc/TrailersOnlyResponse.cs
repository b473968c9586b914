using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// Ends a gRPC call before it reaches its service, as gRPC itself does: HTTP 200 with <c>grpc-status</c>,
/// <c>grpc-message</c> and <c>grpc-status-details-bin</c> in the headers (a trailers-only response). For the
/// middleware that refuses calls (authorization, rate limits); clients read the status and its details as from any RPC.
/// </summary>
public static class TrailersOnlyResponse
{
    /// <summary>Whether the request is a gRPC call (and so must be refused in gRPC's terms).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, Google.Rpc.Status status)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    /// <summary>gRPC's message encoding: printable ASCII but '%' as is, the rest as %XX of its UTF-8 bytes.</summary>
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%') builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
