using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CustomerHealth.Server.Grpc;

/// <summary>
/// The contract's descriptors with their documentation: the descriptor set protoc wrote with source info at build time
/// (ServerStubs.targets), embedded in this assembly. Reflection serves these, so a reflection client such as
/// <c>grpcurl describe</c> shows the proto comments; the generated code's own descriptors have none.
/// </summary>
public static class ContractDescriptors
{
    private const string ResourceName = "customerhealth-v1.protoset";

    private static readonly Lazy<IReadOnlyList<FileDescriptor>> Files = new(Load);

    /// <summary>The services of customerhealth.v1, from the documented descriptor set.</summary>
    public static IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> Services =>
        Files.Value.Where(f => f.Package == "customerhealth.v1").SelectMany(f => f.Services);

    private static IReadOnlyList<FileDescriptor> Load()
    {
        using var stream = typeof(ContractDescriptors).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The build embeds {ResourceName}; it is missing.");
        var set = FileDescriptorSet.Parser.ParseFrom(stream);
        // protoc lists the files with every import before the files that import it, as BuildFromByteStrings needs.
        return FileDescriptor.BuildFromByteStrings(set.File.Select(f => f.ToByteString()));
    }
}
