using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Web;

/// <summary>
/// The dashboard and gRPC-Web (<c>Web:*</c>, docs/configuration.md#the-dashboard-and-grpc-web): which other origins'
/// pages may call the API from a browser, and the identity provider the page signs people in with.
/// </summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// Origins (<c>https://cs.example.com</c>) whose pages may make gRPC-Web calls (CORS). Empty: only pages served by
    /// this server itself, which need no CORS.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public WebSignInOptions SignIn { get; set; } = new();
}

/// <summary>
/// OpenID Connect sign-in for the dashboard (<c>Web:SignIn:*</c>): authorization code with PKCE, a public client. The
/// access token it gets is checked like any other caller's (<c>Authentication:Jwt:*</c>).
/// </summary>
public sealed class WebSignInOptions
{
    /// <summary>The identity provider (discovery at <c>{Authority}/.well-known/openid-configuration</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>The dashboard's client id at the identity provider (a public client, no secret).</summary>
    public string? ClientId { get; set; }

    /// <summary>The scopes to ask for: OpenID's and the service's (the page reads and sets overrides).</summary>
    public string Scope { get; set; } = "openid customerhealth.read customerhealth.csm.write";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>The rules of <see cref="WebOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!IsOrigin(options.AllowedOrigins[i]))
                result.AddError($"Web:AllowedOrigins:{i} must be an origin such as https://cs.example.com (no path).");
        }
        var signIn = options.SignIn;
        if (signIn.IsConfigured)
        {
            if (!Uri.TryCreate(signIn.Authority, UriKind.Absolute, out var authority)
                || (authority.Scheme != Uri.UriSchemeHttps
                    && !(authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback)))
                result.AddError("Web:SignIn:Authority must be an https address (or http on loopback, for tests).");
            if (string.IsNullOrWhiteSpace(signIn.ClientId))
                result.AddError("Web:SignIn:ClientId is required with Web:SignIn:Authority.");
            if (!signIn.Scope.Split(' ').Contains("openid", StringComparer.Ordinal))
                result.AddError("Web:SignIn:Scope must include openid.");
        }
        return result.Build();
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && !value.EndsWith('/') && string.IsNullOrEmpty(uri.Query);
}
