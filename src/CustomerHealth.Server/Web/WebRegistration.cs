using CustomerHealth.Server.Hosting;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.StaticFiles;

namespace CustomerHealth.Server.Web;

/// <summary>
/// The dashboard (static files from wwwroot, built from src/CustomerHealth.Dashboard) and gRPC-Web for browsers, on
/// the HTTP/1.1 endpoint (<c>Kestrel:Endpoints:Web</c>). Calls made with gRPC-Web pass the same authentication and
/// per-RPC scopes as gRPC calls; only the page's own files and its sign-in settings are public.
/// </summary>
public static class WebRegistration
{
    public const string CorsPolicy = "Web";

    private static readonly string[] GrpcWebRequestHeaders =
        ["authorization", "content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "connect-protocol-version"];

    private static readonly string[] GrpcWebResponseHeaders =
        ["grpc-status", "grpc-message", "grpc-status-details-bin"];

    public static WebApplicationBuilder AddCustomerHealthWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebOptions, WebOptionsValidator>(WebOptions.Section);
        var origins = builder.Configuration.GetSection($"{WebOptions.Section}:{nameof(WebOptions.AllowedOrigins)}")
            .Get<string[]>() ?? [];
        builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods("POST")
            .WithHeaders(GrpcWebRequestHeaders)
            .WithExposedHeaders(GrpcWebResponseHeaders)));
        return builder;
    }

    /// <summary>
    /// Before authentication: the dashboard's files (to HTTP/1.x requests; an HTTP/2 request for / still gets the
    /// plain-text note on gRPC), CORS for the configured origins, and gRPC-Web for every service.
    /// </summary>
    public static WebApplication UseCustomerHealthWeb(this WebApplication app)
    {
        app.UseWhen(
            context => !HttpProtocol.IsHttp2(context.Request.Protocol),
            page => page.Use(ThePageAtTheRoot).UseDefaultFiles()
                .UseStaticFiles(new StaticFileOptions { OnPrepareResponse = NoSniff }));
        app.UseCors(CorsPolicy);
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }

    /// <summary>The page's sign-in settings and, on loopback in development mode, its token.</summary>
    public static WebApplication MapCustomerHealthWeb(this WebApplication app)
    {
        app.MapGet("/web/sign-in", SignInSettings.Get).AllowAnonymous();
        app.MapGet("/web/development-token", SignInSettings.DevelopmentToken).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Routing has matched <c>/</c> to the plain-text note on gRPC, and static files stand aside for a matched
    /// endpoint: for a browser (HTTP/1.x) the page's index.html answers instead.
    /// </summary>
    private static Task ThePageAtTheRoot(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path == "/") context.SetEndpoint(null);
        return next(context);
    }

    private static void NoSniff(StaticFileResponseContext context)
    {
        context.Context.Response.Headers.XContentTypeOptions = "nosniff";
        // index.html names the hashed assets of the current build, so it is never cached; they may be.
        if (context.File.Name == "index.html") context.Context.Response.Headers.CacheControl = "no-cache";
    }
}
