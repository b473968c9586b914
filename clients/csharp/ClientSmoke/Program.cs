// Smoke test of the CustomerHealth.Client package against a running server with the demo portfolio: lists accounts,
// reads the worst health scores and the riskiest upcoming renewals, and exits non-zero on any error or, once the wait
// is over, on any empty answer. Usage: --target http://127.0.0.1:5080 --token-file <file> [--wait <seconds>]
using CustomerHealth.Client;
using CustomerHealth.ClientSmoke;
using CustomerHealth.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

var options = SmokeOptions.Parse(args);
await using var services = new ServiceCollection()
    .AddCustomerHealthClient(options.Target, o => o.AccessToken = options.Token)
    .BuildServiceProvider();
var calls = new SmokeCalls(
    services.GetRequiredService<AccountService.AccountServiceClient>(),
    services.GetRequiredService<HealthService.HealthServiceClient>(),
    services.GetRequiredService<RenewalService.RenewalServiceClient>(),
    DateTime.UtcNow + options.Wait);
try
{
    await calls.RunAsync();
}
catch (RpcException ex)
{
    Console.Error.WriteLine($"C# client smoke: FAILED: {SmokeCalls.Describe(ex)}");
    return 1;
}
catch (SmokeFailureException ex)
{
    Console.Error.WriteLine($"C# client smoke: FAILED: {ex.Message}");
    return 1;
}
Console.WriteLine("C# client smoke: passed");
return 0;
