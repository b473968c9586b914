using CustomerHealth.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Security;

/// <summary>Authentication (JWT bearer, client certificates, loopback development keys) and per-RPC scopes.</summary>
public static class SecurityRegistration
{
    public const string CallerScheme = "Caller";

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static WebApplicationBuilder AddCustomerHealthSecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SecurityOptions.Section);
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();
        // The schemes to register depend on these settings, so they are checked now rather than at start-up.
        var validation = new SecurityOptionsValidator().Validate(null, options);
        if (validation.Failed) throw new OptionsValidationException(
            SecurityOptions.Section, typeof(SecurityOptions), validation.Failures);
        builder.Services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(SecurityOptions.Section);

        var authentication = builder.Services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(
                CallerScheme, "Bearer token or client certificate", o => o.ForwardDefaultSelector = SchemeOf(options));
        if (options.UsesDevelopmentCredentials)
        {
            var folder = string.IsNullOrWhiteSpace(options.Development.Folder)
                ? Path.Combine(ApplicationFolders.DataDirectory(builder.Configuration, builder.Environment),
                    ApplicationFolders.DevelopmentFolderName)
                : ApplicationFolders.Resolve(options.Development.Folder, builder.Environment);
            var development = DevelopmentCredentials.LoadOrCreate(folder, options.Jwt.Audience, TimeProvider.System);
            builder.Services.AddSingleton(development);
            builder.Services.AddHostedService<DevelopmentTokenAnnouncer>();
            authentication.AddJwtBearer(o => ConfigureJwt(o, options.Jwt, development));
        }
        else if (options.Jwt.IsConfigured)
        {
            authentication.AddJwtBearer(o => ConfigureJwt(o, options.Jwt, development: null));
        }
        if (options.UsesDevelopmentCredentials || options.Jwt.IsConfigured)
            AddValidatedTokenCache(builder, options.Jwt);
        if (options.Certificate.Enabled) AddCertificates(builder, authentication, options.Certificate);
        if (options.AllowUnauthenticated)
            authentication.AddScheme<AuthenticationSchemeOptions, UnauthenticatedLoopbackHandler>(
                UnauthenticatedLoopbackHandler.SchemeName, null);

        builder.Services.AddAuthorization(o =>
        {
            foreach (var scope in Scopes.All)
                o.AddPolicy(
                    ScopeRequirement.PolicyName(scope), p => p.RequireAuthenticatedUser()
                    .AddRequirements(new ScopeRequirement(scope)));
            o.AddPolicy(RpcAuthorization.UndeclaredPolicy, p => p.RequireAssertion(_ => false));
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        builder.Services.AddSingleton<
            Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>
    /// Refuses to serve without authentication (or with the loopback development keys) on an address other machines
    /// can reach, and reads the signing keys and CA bundle now. Only serving calls this: <c>migrate</c> needs neither.
    /// </summary>
    public static void EnsureSafeToServe(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        RefuseOpenNetworkAddresses(options, ListenAddresses.From(app.Configuration));
        LoadKeysAndTrustNow(app.Services, options);
    }

    /// <summary>
    /// The probe port's filter: first in the pipeline, so that nothing else (the dashboard's files either) answers
    /// there.
    /// </summary>
    public static WebApplication UseCustomerHealthProbePort(this WebApplication app)
    {
        if (app.Configuration.GetValue<int?>(ProbePortKey) is { } probePort) app.Use(OnlyProbesOn(probePort));
        return app;
    }

    /// <summary>Authentication and authorization in the pipeline.</summary>
    public static WebApplication UseCustomerHealthSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// <c>Probes:Port</c>: a port (its own Kestrel endpoint, cleartext) that serves grpc.health.v1 and nothing else,
    /// for Kubernetes' gRPC probes, which speak neither TLS nor tokens.
    /// </summary>
    public const string ProbePortKey = "Probes:Port";

    private static Func<HttpContext, RequestDelegate, Task> OnlyProbesOn(int port) => (context, next) =>
    {
        if (context.Connection.LocalPort != port || context.Request.Path.StartsWithSegments("/grpc.health.v1.Health"))
            return next(context);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    /// <summary>
    /// Reads the signing keys and the client CA bundle before the first call, so a missing or unreadable file stops the
    /// start instead of failing calls.
    /// </summary>
    private static void LoadKeysAndTrustNow(IServiceProvider services, SecurityOptions options)
    {
        if (options.Jwt.IsConfigured || options.UsesDevelopmentCredentials)
            services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
                .Get(JwtBearerDefaults.AuthenticationScheme);
        if (options.Certificate.Enabled)
            services.GetRequiredService<IOptionsMonitor<CertificateAuthenticationOptions>>()
                .Get(CertificateAuthenticationDefaults.AuthenticationScheme);
    }

    private static void RefuseOpenNetworkAddresses(SecurityOptions options, IReadOnlyList<string> addresses)
    {
        if (!options.AllowUnauthenticated && !options.UsesDevelopmentCredentials) return;
        var exposed = ListenAddresses.NonLoopback(addresses);
        if (exposed.Count == 0) return;
        var why = options.AllowUnauthenticated
            ? "Authentication:AllowUnauthenticated is only allowed on loopback addresses"
            : "no authentication is configured (Authentication:Jwt:Authority or SigningKeysFile, or " +
                "Authentication:Certificate)";
        throw new InvalidOperationException(
            $"Refusing to listen on {string.Join(", ", exposed)}: {why}. Configure authentication (see " +
            $"docs/security.md).");
    }

    private static Func<HttpContext, string?> SchemeOf(SecurityOptions options)
    {
        var bearer = options.Jwt.IsConfigured || options.UsesDevelopmentCredentials;
        var certificate = options.Certificate.Enabled;
        return context =>
            bearer && context.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme
            : certificate && context.Connection.ClientCertificate is not null
                ? CertificateAuthenticationDefaults.AuthenticationScheme
            : options.AllowUnauthenticated ? UnauthenticatedLoopbackHandler.SchemeName
            : bearer ? JwtBearerDefaults.AuthenticationScheme
            : CertificateAuthenticationDefaults.AuthenticationScheme;
    }

    private static void ConfigureJwt(JwtBearerOptions o, JwtOptions jwt, DevelopmentCredentials? development)
    {
        o.MapInboundClaims = false;
        o.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                GrpcAuthorizationResultHandler.RememberFailure(context.HttpContext, context.Exception);
                return Task.CompletedTask;
            },
        };
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = AsymmetricAlgorithms,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = "sub",
        };
        if (development is not null)
        {
            o.TokenValidationParameters.ValidIssuer = DevelopmentCredentials.Issuer;
            o.TokenValidationParameters.IssuerSigningKey = development.SigningKey;
        }
        else if (!string.IsNullOrWhiteSpace(jwt.SigningKeysFile))
        {
            o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            o.TokenValidationParameters.IssuerSigningKeys = SigningKeys.Load(jwt.SigningKeysFile);
        }
        else
        {
            o.Authority = string.IsNullOrWhiteSpace(jwt.Authority) ? null : jwt.Authority;
            o.MetadataAddress = string.IsNullOrWhiteSpace(jwt.MetadataAddress) ? null! : jwt.MetadataAddress;
            o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            if (!string.IsNullOrWhiteSpace(jwt.Issuer)) o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
        }
    }

    /// <summary>
    /// Puts <see cref="ValidatedTokenCache"/> in front of the bearer scheme's token handlers (ADR 0076). Its clock is
    /// the system's, as the token handler's lifetime check is, so an entry never outlives the token.
    /// </summary>
    private static void AddValidatedTokenCache(WebApplicationBuilder builder, JwtOptions jwt)
    {
        if (jwt.ValidatedTokenCacheSize == 0) return;
        builder.Services.AddSingleton(
            new ValidatedTokenCache(jwt.ValidatedTokenCacheSize, jwt.ValidatedTokenCacheMaxAge, TimeProvider.System));
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ValidatedTokenCache>((o, cache) =>
            {
                var handlers = o.TokenHandlers.ToList();
                o.TokenHandlers.Clear();
                foreach (var handler in handlers)
                    o.TokenHandlers.Add(handler as CachingTokenHandler ?? new CachingTokenHandler(handler, cache));
            });
    }

    private static void AddCertificates(
        WebApplicationBuilder builder, AuthenticationBuilder authentication, CertificateOptions certificates)
    {
        // The TLS layer asks for a certificate but lets callers without one in (health probes, token callers);
        // which certificates are trusted, and whose they are, is decided per call by the certificate handler.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (_, _, _) => true;
        }));
        var callers = new CertificateCallers(certificates.Callers);
        authentication.AddCertificate(o =>
        {
            if (!File.Exists(certificates.TrustedCaFile))
                throw new InvalidOperationException(
                    $"Authentication:Certificate:TrustedCaFile: the file '{certificates.TrustedCaFile}' does not " +
                    $"exist.");
            var trusted = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            trusted.ImportFromPemFile(certificates.TrustedCaFile);
            o.AllowedCertificateTypes = CertificateTypes.Chained;
            o.ChainTrustValidationMode =
                System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            o.CustomTrustStore = trusted;
            o.RevocationMode = certificates.CheckRevocation
                ? System.Security.Cryptography.X509Certificates.X509RevocationMode.Online
                : System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            o.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = callers.OnValidatedAsync,
                OnAuthenticationFailed = context =>
                {
                    GrpcAuthorizationResultHandler.RememberFailure(context.HttpContext, context.Exception);
                    return Task.CompletedTask;
                },
            };
        });
    }
}
