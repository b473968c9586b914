using System.CommandLine;
using CustomerHealth.Lab;
using CustomerHealth.Server.Hosting;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Grpc.Net.Client;

namespace CustomerHealth.Server.Tests.Lab;

/// <summary>
/// The CLI's client verbs, run through its command-line parser in-process against the real server on a Kestrel socket
/// (real gRPC over HTTP/2), with the token in a file as a person would pass it.
/// </summary>
public sealed class ClientVerbTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 30, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("cli-verbs-").FullName;
    private ServiceUnderTest? _service;
    private Uri _target = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _service = new ServiceUnderTest(database, new ManualClock(Now), settings: new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Renewals:RefreshInterval"] = "00:00:00.100",
            ["Renewals:ReconcileInterval"] = "00:00:00.100",
            ["Renewals:AutoTrain"] = "false",
        });
        _target = _service.StartOnKestrel();
        File.WriteAllText(TokenFile("read"), TestCredentials.Token([Scopes.Read]));
        using var channel = Channel(TestCredentials.AllScopes);
        var accounts = new AccountService.AccountServiceClient(channel);
        (string Id, string Name, CsTier Tier)[] seeded =
        [
            ("acme", "Acme Corp", CsTier.HighTouch), ("globex", "Globex", CsTier.LowTouch),
            ("initech", "Initech", CsTier.TechTouch),
        ];
        foreach (var (id, name, tier) in seeded)
        {
            await accounts.UpsertAccountAsync(
                new() { Account = Build.Account(id, name, tier: tier) }, cancellationToken: Ct);
            await accounts.UpsertContractAsync(new()
            {
                Contract = Build.Contract($"{id}-2025", id, arr: 120_000m, start: "2025-05-01", end: "2026-05-01"),
            }, cancellationToken: Ct);
        }
        await new HealthService.HealthServiceClient(channel).RecomputeHealthScoresAsync(
            new() { AsOfDate = Build.Date("2026-03-15") }, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AccountsListPrintsAnAlignedTableAndTheCount()
    {
        var run = await Reader("accounts", "list");

        Assert.True(run.Code == 0, run.Error);
        var lines = Lines(run.Output);
        Assert.Equal(["ACCOUNT", "NAME", "SEGMENT", "TIER", "OWNER"], Words(lines[0]));
        Assert.StartsWith("acme     Acme Corp  Mid-market  high touch", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("globex   Globex     Mid-market  low touch ", lines[2], StringComparison.Ordinal);
        var ownerColumn = lines[0].IndexOf("OWNER", StringComparison.Ordinal);
        Assert.Equal(ownerColumn, lines[3].IndexOf("csm.alice", StringComparison.Ordinal));
        Assert.Equal("3 of 3 accounts", lines[^1]);

        var limited = await Reader("accounts", "list", "--limit", "2");
        Assert.Equal("2 of 3 accounts", Lines(limited.Output)[^1]);
    }

    [Fact]
    public async Task HealthGetAndWorstShowTheScoresOfTheService()
    {
        var get = await Reader("health", "get", "globex");

        Assert.True(get.Code == 0, get.Error);
        Assert.Contains("Account  globex", get.Output, StringComparison.Ordinal);
        Assert.Contains("Tier     low touch", get.Output, StringComparison.Ordinal);
        Assert.Contains("As of    2026-03-", get.Output, StringComparison.Ordinal);

        var worst = await Reader("health", "worst", "--limit", "2");

        Assert.True(worst.Code == 0, worst.Error);
        var lines = Lines(worst.Output);
        Assert.Equal(["ACCOUNT", "SCORE", "BAND", "7D", "30D", "STAGE", "TIER", "OVERRIDE"], Words(lines[0]));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task RenewalsUpcomingListsTheContractsRenewingSoon()
    {
        var run = await Eventually(() => Reader("renewals", "upcoming"), r => Lines(r.Output).Length == 4);

        Assert.True(run.Code == 0, run.Error);
        var lines = Lines(run.Output);
        Assert.Equal(["CONTRACT", "ACCOUNT", "RENEWS", "DAYS", "ARR", "P(RENEW)", "RISK", "HEALTH", "OWNER"],
            Words(lines[0]));
        Assert.StartsWith("acme-2025     acme     2026-05-01    47  120,000 USD", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallWithoutTheScopeExitsOneWithTheStatusAndAHint()
    {
        File.WriteAllText(TokenFile("crm"), TestCredentials.Token([Scopes.CrmWrite]));

        var run = await Cli("health", "worst", "--target", _target.ToString(), "--token-file", TokenFile("crm"));

        Assert.Equal(1, run.Code);
        Assert.Equal("", run.Output);
        Assert.Contains("PermissionDenied", run.Error, StringComparison.Ordinal);
        Assert.Contains("--token-file or CUSTOMERHEALTH_TOKEN", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("health", "worst", "--limit", "0")]
    [InlineData("renewals", "upcoming", "--order", "sideways")]
    [InlineData("accounts", "list", "--target", "not a url")]
    [InlineData("health", "get")]
    public async Task AnImpossibleRequestIsRefusedWithExitCodeTwoBeforeAnyCall(params string[] args)
    {
        Assert.Equal(2, await LabCommandLine.Create().InvokeAsync(args));
    }

    [Fact]
    public void TheFormerNamesOfTheLabToolsStillWork()
    {
        var root = LabCommandLine.Create();

        var evaluate = root.ParseArguments(["renewals-evaluate", "--lead-days", "5"]);
        Assert.Equal("evaluate", evaluate.CommandResult.Command.Name);
        Assert.Equal("token", root.ParseArguments(["dev-token", "--days", "2"]).CommandResult.Command.Name);
    }

    private string TokenFile(string name) => Path.Combine(_folder, $"{name}.token");

    /// <summary>Runs a verb against the server with a token of the read scope, as a person would.</summary>
    private Task<(int Code, string Output, string Error)> Reader(params string[] verb) =>
        Cli([.. verb, "--target", _target.ToString(), "--token-file", TokenFile("read")]);

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private GrpcChannel Channel(string token) => GrpcChannel.ForAddress(_target, new GrpcChannelOptions
    {
        Credentials = ServiceUnderTest.WithBearer(token),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = LabCommandLine.Create().ParseArguments(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (parse.Errors.Count > 0 ? 2 : code, output.ToString(), error.ToString());
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100, Ct);
        }
    }
}
