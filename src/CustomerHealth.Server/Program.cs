using CustomerHealth.Server.Demo;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Renewals;

var builder = WebApplication.CreateBuilder(DemoMode.Strip(args, out var demo));

builder.AddCustomerHealthPersistence();
builder.AddCustomerHealthEngagement();
builder.AddCustomerHealthOnboarding();
builder.AddCustomerHealthScoring();
builder.AddCustomerHealthRenewals();
builder.AddCustomerHealthGrpc();
builder.AddCustomerHealthDemo(demo);

var app = builder.Build().ValidateOptions();

if (ServerCommands.IsMigrateCommand(args))
{
    return await app.RunMigrateCommandAsync();
}
if (GenerateCommand.IsGenerateCommand(args))
{
    return await app.RunGenerateCommandAsync(args);
}
if (EvaluateCommand.IsEvaluateCommand(args))
{
    return await app.RunEvaluateCommandAsync(args);
}

await app.MigrateOnStartupIfConfiguredAsync();
app.MapCustomerHealthGrpc();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
