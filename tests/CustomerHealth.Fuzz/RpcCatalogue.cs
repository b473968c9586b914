using CustomerHealth.Server.Security;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace CustomerHealth.Fuzz;

/// <summary>One RPC as the fuzzer sees it: its descriptor, its streaming shape and whether it writes.</summary>
public sealed record FuzzRpc(MethodDescriptor Descriptor)
{
    /// <summary>The gRPC path key (<c>package.Service/Method</c>), as the scope table and reports name it.</summary>
    public string Path => $"{Descriptor.Service.FullName}/{Descriptor.Name}";

    public MethodType Type => (Descriptor.IsClientStreaming, Descriptor.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        _ => MethodType.DuplexStreaming,
    };

    /// <summary>A write: any RPC whose scope (in the server's scope table) is not the read scope.</summary>
    public bool Writes => RpcScopes.ByMethod.TryGetValue(Path, out var scope) && scope != Scopes.Read;

    /// <summary>A watch: a server stream that stays open until the caller leaves.</summary>
    public bool IsWatch => Type == MethodType.ServerStreaming;
}

/// <summary>
/// Every RPC of every service in the customerhealth packages, read from the generated file descriptors of the
/// contracts assembly, so that a new RPC (or a new service) is fuzzed without touching the fuzzer.
/// </summary>
public static class RpcCatalogue
{
    public const string PackagePrefix = "customerhealth.";

    public static IReadOnlyList<FuzzRpc> All { get; } =
    [
        .. typeof(V1.AccountService).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor")?.GetValue(null))
            .OfType<FileDescriptor>()
            .Where(f => f.Package.StartsWith(PackagePrefix, StringComparison.Ordinal))
            .SelectMany(f => f.Services)
            .SelectMany(s => s.Methods)
            .OrderBy(m => m.FullName, StringComparer.Ordinal)
            .Select(m => new FuzzRpc(m)),
    ];
}
