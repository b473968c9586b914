using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Telemetry;
using CustomerHealth.Server.Web;

// The command line (--help prints it): serving is the default, migrate applies the migrations and exits, --demo fills
// an empty database with a demo portfolio; every other argument is configuration (--Key value, --Key=value).
return await ServerCommandLine.Create(Program.Compose).InvokeAsync(args);

/// <summary>
/// The entry point (visible to the integration tests' WebApplicationFactory) and the service's composition, which the
/// lab tools (src/CustomerHealth.Lab) host too.
/// </summary>
public partial class Program
{
    /// <summary>The service from its building blocks, one call each, with command-line configuration.</summary>
    public static WebApplication Compose(string[] configuration, bool demo = false)
    {
        var builder = WebApplication.CreateBuilder(ApplicationFolders.BuilderOptions(configuration));

        builder.AddCustomerHealthTelemetry();
        builder.AddCustomerHealthPersistence();
        builder.AddCustomerHealthEngagement();
        builder.AddCustomerHealthOnboarding();
        builder.AddCustomerHealthScoring();
        builder.AddCustomerHealthRenewals();
        builder.AddCustomerHealthWebhooks();
        builder.AddCustomerHealthGrpc();
        builder.AddCustomerHealthSecurity();
        builder.AddCustomerHealthRateLimits();
        builder.AddCustomerHealthDemo(demo);
        builder.AddCustomerHealthWeb();

        var app = builder.Build().ValidateOptions();
        app.UseCustomerHealthTelemetry();
        app.UseCustomerHealthProbePort();
        app.UseCustomerHealthWeb();
        app.UseCustomerHealthSecurity();
        app.UseCustomerHealthRateLimits();
        app.MapCustomerHealthGrpc();
        app.MapCustomerHealthWeb();
        return app;
    }
}
