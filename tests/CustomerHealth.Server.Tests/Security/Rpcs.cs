using CustomerHealth.V1;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// Every RPC of the customerhealth.v1 contract, read from the generated descriptors (so a new RPC is covered without
/// touching the tests), and a way to call any of them with raw bytes whatever its streaming shape.
/// </summary>
public static class Rpcs
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static IReadOnlyList<MethodDescriptor> All { get; } =
    [
        .. typeof(AccountService).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor")?.GetValue(null))
            .OfType<FileDescriptor>()
            .Where(f => f.Package == "customerhealth.v1")
            .SelectMany(f => f.Services)
            .SelectMany(s => s.Methods)
            .OrderBy(m => m.FullName, StringComparer.Ordinal),
    ];

    /// <summary>The methods as test data: their full names (<c>customerhealth.v1.Service.Method</c>).</summary>
    public static TheoryData<string> Names => [.. All.Select(m => m.FullName)];

    public static MethodDescriptor Find(string fullName) => All.Single(m => m.FullName == fullName);

    /// <summary>The gRPC path key of a method, as <c>RpcScopes</c> uses it.</summary>
    public static string PathOf(MethodDescriptor method) => $"{method.Service.FullName}/{method.Name}";

    /// <summary>
    /// Calls <paramref name="rpc"/> with one empty request message (or none, for client streams) and returns how it
    /// ended: OK, or the error. A server stream is read to its end or to the deadline.
    /// </summary>
    public static async Task<RpcException?> CallAsync(CallInvoker invoker, MethodDescriptor rpc, CancellationToken ct)
    {
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, rpc.Service.FullName, rpc.Name, Bytes, Bytes);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, []);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, []))
                        while (await call.ResponseStream.MoveNext(ct)) { }
                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        await call.ResponseAsync;
                    }
                    break;
                default:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await call.RequestStream.CompleteAsync();
                        while (await call.ResponseStream.MoveNext(ct)) { }
                    }
                    break;
            }
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }
}
