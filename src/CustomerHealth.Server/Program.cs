using CustomerHealth.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddCustomerHealthPersistence();
builder.AddCustomerHealthEngagement();
builder.AddCustomerHealthOnboarding();
builder.AddCustomerHealthGrpc();

var app = builder.Build();

if (ServerCommands.IsMigrateCommand(args))
{
    return await app.RunMigrateCommandAsync();
}

await app.MigrateOnStartupIfConfiguredAsync();
app.MapCustomerHealthGrpc();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
