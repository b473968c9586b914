using System.CommandLine;
using System.CommandLine.Parsing;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerHealth.Lab.Client;

/// <summary>
/// How a command reaches a running service: <c>--target</c> (its address) and the bearer token from
/// <c>--token-file</c> or, without it, the <c>CUSTOMERHEALTH_TOKEN</c> environment variable. Shared by the client verbs
/// and <c>generate --target</c>.
/// </summary>
public static class ServiceConnection
{
    public const string TokenVariable = "CUSTOMERHEALTH_TOKEN";

    /// <summary>The address option; unless <paramref name="required"/>, it has no default (generate's own server).
    /// </summary>
    public static Option<Uri?> TargetOption(string description, bool required) => new("--target")
    {
        Description = description,
        CustomParser = AbsoluteUri,
        DefaultValueFactory = required ? _ => new Uri("http://127.0.0.1:5080") : null,
        HelpName = "URL",
    };

    public static Option<string?> TokenFileOption(string description) => new("--token-file")
    {
        Description = description,
        HelpName = "FILE",
    };

    /// <summary>The token in <paramref name="tokenFile"/>, else in the environment; null if neither has one.</summary>
    public static async Task<string?> ReadTokenAsync(string? tokenFile, CancellationToken ct)
    {
        var token = tokenFile is null
            ? Environment.GetEnvironmentVariable(TokenVariable)
            : await File.ReadAllTextAsync(tokenFile, ct);
        return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }

    /// <summary>
    /// A channel to <paramref name="target"/> whose calls carry <paramref name="token"/> (if any), retrying
    /// UNAVAILABLE.
    /// </summary>
    public static GrpcChannel Open(Uri target, string? token) => GrpcChannel.ForAddress(target, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        ServiceConfig = CustomerHealth.Client.CustomerHealthClientExtensions.RetryingServiceConfig(),
        Credentials = Credentials(token, target.Scheme == Uri.UriSchemeHttps),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static ChannelCredentials Credentials(string? token, bool tls) => token is null
        ? tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure
        : CustomerHealth.Client.CustomerHealthClientExtensions.BearerCredentials(token, tls);

    private static Uri? AbsoluteUri(ArgumentResult result)
    {
        if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri)) return uri;
        result.AddError($"{result.Tokens[0].Value} is not an absolute URL");
        return null;
    }
}
