using System.Diagnostics;
using Grpc.Core;

namespace CustomerHealth.Fuzz;

/// <summary>How one call ended: its status code, how long it took and how many response bytes it carried.</summary>
public readonly record struct CallOutcome(StatusCode Code, TimeSpan Latency, long ResponseBytes, string? Detail);

/// <summary>
/// Sends raw request bodies on any RPC path, whatever its streaming shape, through a <see cref="CallInvoker"/> with
/// byte-array marshallers: the bytes on the wire are exactly the case's, valid or not. A watch (server stream) is
/// left after <c>watchFor</c> by cancelling it, as watch clients leave (CANCELLED); its deadline stays the generous
/// one, so the server's deadline timer never races the client's leaving.
/// </summary>
public sealed class RawCaller(CallInvoker invoker, TimeSpan deadline, TimeSpan watchFor)
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public async Task<CallOutcome> CallAsync(FuzzCase fuzzCase, CancellationToken ct)
    {
        var rpc = fuzzCase.Rpc;
        var method = new Method<byte[], byte[]>(
            rpc.Type, rpc.Descriptor.Service.FullName, rpc.Descriptor.Name, Bytes, Bytes);
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (rpc.IsWatch) leave.CancelAfter(watchFor);
        var options = new CallOptions(deadline: DateTime.UtcNow + deadline, cancellationToken: leave.Token);
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        try
        {
            bytes = rpc.Type switch
            {
                MethodType.Unary => (await invoker.AsyncUnaryCall(method, null, options, fuzzCase.Bodies[0])).Length,
                MethodType.ServerStreaming => await ServerStreamAsync(method, options, fuzzCase.Bodies[0], leave.Token),
                MethodType.ClientStreaming => await ClientStreamAsync(method, options, fuzzCase.Bodies),
                _ => await DuplexAsync(method, options, fuzzCase.Bodies, ct),
            };
            return new CallOutcome(StatusCode.OK, clock.Elapsed, bytes, null);
        }
        catch (RpcException ex)
        {
            return new CallOutcome(ex.StatusCode, clock.Elapsed, bytes, ex.Status.Detail);
        }
    }

    private async Task<long> ServerStreamAsync(
        Method<byte[], byte[]> method, CallOptions options, byte[] body, CancellationToken ct)
    {
        using var call = invoker.AsyncServerStreamingCall(method, null, options, body);
        return await ReadAllAsync(call.ResponseStream, ct);
    }

    private async Task<long> ClientStreamAsync(
        Method<byte[], byte[]> method, CallOptions options, IReadOnlyList<byte[]> bodies)
    {
        using var call = invoker.AsyncClientStreamingCall(method, null, options);
        await WriteAllAsync(call.RequestStream, bodies);
        return (await call.ResponseAsync).Length;
    }

    private async Task<long> DuplexAsync(
        Method<byte[], byte[]> method, CallOptions options, IReadOnlyList<byte[]> bodies, CancellationToken ct)
    {
        using var call = invoker.AsyncDuplexStreamingCall(method, null, options);
        var reading = ReadAllAsync(call.ResponseStream, ct);
        await WriteAllAsync(call.RequestStream, bodies);
        return await reading;
    }

    /// <summary>Writes the messages and completes; a call the server ended shows it in the response.</summary>
    private static async Task WriteAllAsync(IClientStreamWriter<byte[]> stream, IReadOnlyList<byte[]> bodies)
    {
        try
        {
            foreach (var body in bodies) await stream.WriteAsync(body);
            await stream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The call is over already; its status is read from the response side.
        }
    }

    private static async Task<long> ReadAllAsync(IAsyncStreamReader<byte[]> stream, CancellationToken ct)
    {
        long bytes = 0;
        while (await stream.MoveNext(ct)) bytes += stream.Current.Length;
        return bytes;
    }
}
