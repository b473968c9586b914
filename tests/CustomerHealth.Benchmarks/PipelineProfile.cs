using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using CustomerHealth.Benchmarks.Bare;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Telemetry;
using CustomerHealth.V1;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// <c>random-reads --pipeline</c>: where a read-cache hit of <c>GetHealthScore</c> spends its time besides the read.
/// The same hit is served by variants of the server that differ in one piece of the pipeline (the bearer token
/// validated or not, the cache of validated tokens on or off, telemetry and the rate limiter as Program.cs adds
/// them), each measured one call at a time (this process's CPU per call: client and server) and by the closed loop
/// against the bare server in the same round; then the pieces on their own (a token's validation, the scope's
/// policy).
/// </summary>
internal static class PipelineProfile
{
    public static async Task<int> RunAsync(
        ModeOptions options, ExistingDatabase database, TextWriter log, CancellationToken ct)
    {
        var loads = new List<string> { Machine.LoadAverage() };
        await using var bare = await BareServer.StartAsync(new GrpcStatusCounter(), ct);
        var variants = new List<(string Name, InProcessServer Server)>();
        try
        {
            foreach (var (name, settings, configure, after) in Variants(database))
                variants.Add((name, await InProcessServer.StartAsync(settings, ct, configure, afterSecurity: after)));
            var account = (await new HealthService.HealthServiceClient(variants[0].Server.Channel)
                .ListHealthScoresAsync(new ListHealthScoresRequest { PageSize = 1 }, cancellationToken: ct))
                .Scores[0].AccountId;
            var bareClient = new BareService.BareServiceClient(RandomReadBenchmark.Runner.Channel(bare.Address, null));
            var clients = variants.Select(v => (v.Name, Client: new HealthService.HealthServiceClient(
                RandomReadBenchmark.Runner.Channel(v.Server.Address, v.Server.AccessToken)))).ToArray();
            Task Hit(HealthService.HealthServiceClient client, CancellationToken c) => client
                .GetHealthScoreAsync(new GetHealthScoreRequest { AccountId = account }, cancellationToken: c)
                .ResponseAsync;
            Task Bare(CancellationToken c) =>
                bareClient.GetAsync(new GetRequest { AccountId = account }, cancellationToken: c).ResponseAsync;

            log.WriteLine("One call at a time (a read-cache hit; 3,000 calls after 300 unmeasured):");
            log.WriteLine();
            log.WriteLine("| server | CPU µs per call | wall µs per call |");
            log.WriteLine("| --- | ---: | ---: |");
            log.WriteLine(await TimeAsync("bare grpc-dotnet", 3000, () => Bare(ct)));
            foreach (var (name, client) in clients) log.WriteLine(await TimeAsync(name, 3000, () => Hit(client, ct)));
            log.WriteLine();
            log.WriteLine("Pieces on their own (the first variant's services):");
            log.WriteLine();
            log.WriteLine("| piece | CPU µs per call | wall µs per call |");
            log.WriteLine("| --- | ---: | ---: |");
            foreach (var line in await PiecesAsync(variants[0].Server, ct)) log.WriteLine(line);
            await RoundsAsync(options, log, loads, clients, Hit, Bare, ct);
        }
        finally
        {
            foreach (var (_, server) in variants) await server.DisposeAsync();
        }
        log.WriteLine();
        log.WriteLine($"Machine: {Machine.Describe()}. Database: {database.Description}. Load average (1, 5, 15 min) " +
            $"at the start and after each round: {string.Join(" | ", loads)}.");
        return 0;
    }

    private static async Task RoundsAsync(ModeOptions options, TextWriter log, List<string> loads,
        (string Name, HealthService.HealthServiceClient Client)[] clients,
        Func<HealthService.HealthServiceClient, CancellationToken, Task> hit, Func<CancellationToken, Task> bare,
        CancellationToken ct)
    {
        var (warmUp, measured) = (TimeSpan.FromSeconds(options.WarmUpSeconds),
            TimeSpan.FromSeconds(options.DurationSeconds));
        log.WriteLine();
        log.WriteLine($"Closed loop, {options.InFlight} calls in flight, {options.WarmUpSeconds} + " +
            $"{options.DurationSeconds} s per run:");
        log.WriteLine();
        log.WriteLine(
            "| round | run | calls/s | of bare | items/s | p50 ms | p99 ms | process CPU µs/call, allocated per call " +
            "| ok / failed |");
        log.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var round = 1; round <= options.Rounds; round++)
        {
            var baseline = await ClosedLoop.RunAsync("bare grpc-dotnet", options.InFlight, warmUp, measured,
                async (_, c) => { await bare(c); return 1; }, ct);
            log.WriteLine($"| {round} " + baseline.Row(null));
            foreach (var (name, client) in clients)
            {
                var run = await ClosedLoop.RunAsync(name, options.InFlight, warmUp, measured,
                    async (_, c) => { await hit(client, c); return 1; }, ct);
                log.WriteLine($"| {round} " + run.Row(run.CallsPerSecond / baseline.CallsPerSecond));
            }
            loads.Add(Machine.LoadAverage());
        }
    }

    private static IEnumerable<(string, IReadOnlyDictionary<string, string?>, Action<WebApplicationBuilder>,
        Action<WebApplication>?)> Variants(ExistingDatabase database)
    {
        Dictionary<string, string?> With(params (string Key, string Value)[] extra)
        {
            var settings = new Dictionary<string, string?>(database.ServerSettings);
            foreach (var (key, value) in extra) settings[key] = value;
            return settings;
        }
        var health = ExistingDatabase.HealthOptionsOnly(500);
        yield return ("token checked against the cache of validated tokens (ADR 0076)", With(), health, null);
        yield return ("token validated on every call (that cache off, as before)",
            With(("Authentication:Jwt:ValidatedTokenCacheSize", "0")), health, null);
        yield return ("no token (Authentication:AllowUnauthenticated; scopes still checked)",
            With(("Authentication:AllowUnauthenticated", "true")), health, null);
        var (settings, configure, after) = AsShipped(database, health);
        yield return ("token cached + telemetry + rate limiter (as shipped)", settings, configure, after);
    }

    /// <summary>
    /// A server as shipped: telemetry and the rate limiter added as Program.cs adds them, on top of <paramref
    /// name="configure"/>. The read limit is raised so that the limiter is measured, not its refusals.
    /// </summary>
    public static (IReadOnlyDictionary<string, string?> Settings, Action<WebApplicationBuilder> Configure,
        Action<WebApplication> AfterSecurity) AsShipped(
        ExistingDatabase database, Action<WebApplicationBuilder> configure)
    {
        var settings = new Dictionary<string, string?>(database.ServerSettings)
        {
            ["RateLimits:Read:RequestsPerSecond"] = "1000000",
            ["RateLimits:Read:Burst"] = "1000000",
        };
        return (settings, builder =>
        {
            configure(builder);
            builder.AddCustomerHealthTelemetry();
            builder.AddCustomerHealthRateLimits();
        }, app => app.UseCustomerHealthRateLimits());
    }

    private static async Task<IReadOnlyList<string>> PiecesAsync(InProcessServer server, CancellationToken ct)
    {
        var services = server.Services;
        var jwt = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(JwtBearerDefaults.AuthenticationScheme);
        var token = server.AccessToken!;
        var plain = new JsonWebTokenHandler { MapInboundClaims = false };
        var validated = await plain.ValidateTokenAsync(token, jwt.TokenValidationParameters);
        if (!validated.IsValid) throw new InvalidOperationException("The benchmark's token does not validate.");
        var user = new ClaimsPrincipal(validated.ClaimsIdentity);
        var authorization = services.GetRequiredService<IAuthorizationService>();
        var policy = ScopeRequirement.PolicyName(Scopes.Read);
        return
        [
            await TimeAsync("the bearer token validated (JsonWebTokenHandler: parse, ES256 signature, claims)", 3000,
                () => plain.ValidateTokenAsync(token, jwt.TokenValidationParameters)),
            await TimeAsync("… by the server's configured token handler (the cache of validated tokens: a hit)", 3000,
                () => jwt.TokenHandlers[0].ValidateTokenAsync(token, jwt.TokenValidationParameters)),
            await TimeAsync("the scope's policy evaluated (IAuthorizationService)", 3000,
                () => authorization.AuthorizeAsync(user, policy)),
        ];
    }

    private static async Task<string> TimeAsync(string name, int repetitions, Func<Task> step)
    {
        for (var i = 0; i < repetitions / 10; i++) await step(); // warm, unmeasured
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repetitions; i++) await step();
        var cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / repetitions;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {cpuMicros:N1} | {clock.Elapsed.TotalMilliseconds * 1000 / repetitions:N1} |");
    }
}
