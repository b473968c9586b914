using CustomerHealth.Domain.Common;
using CustomerHealth.Server.Grpc;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerHealth.Server.Tests.Hardening;

/// <summary>
/// A huge value in a field an error message names: the answer quotes only a short prefix, stays far below the size
/// of trailers a client accepts, and the connection stays usable for the next call.
/// </summary>
public sealed class OversizedFieldTests(SqliteTestDatabase database) : IntegrationTest<SqliteTestDatabase>(database)
{
    private static readonly string Huge = new('Q', 100_000);

    [Fact]
    public async Task AnOversizedCurrencyCodeOverARealSocketLeavesTheConnectionUsable()
    {
        await using var server = new ServiceUnderTest(Database, new ManualClock(DefaultNow),
            settings: new Dictionary<string, string> { ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0" });
        var address = server.StartOnKestrel();
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ServiceUnderTest.WithBearer(TestCredentials.AllScopes),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var client = new AccountService.AccountServiceClient(channel);
        await client.UpsertAccountAsync(new() { Account = Build.Account("acme") }, cancellationToken: Ct);
        var contract = Build.Contract();
        contract.Arr.CurrencyCode = Huge;

        var status = await FailsWith(StatusCode.InvalidArgument, () =>
            client.UpsertContractAsync(new() { Contract = contract }, cancellationToken: Ct).ResponseAsync);

        AssertShort(status, "contract.arr.currency_code");
        // The same channel, so the same HTTP/2 connection: the next call is answered.
        var account = await client.GetAccountAsync(new() { AccountId = "acme" }, cancellationToken: Ct);
        Assert.Equal("acme", account.Account.AccountId);
    }

    [Fact]
    public async Task AnOversizedRenewalAmountCurrencyIsQuotedShort()
    {
        var accounts = new AccountService.AccountServiceClient(Service.Channel);
        var request = new RecordRenewalOutcomeRequest
        {
            ContractId = "acme-2026",
            Kind = RenewalOutcomeKind.Renewed,
            NewArr = Build.Money(30_000m, Huge),
        };

        var status = await FailsWith(StatusCode.InvalidArgument, () => accounts.RecordRenewalOutcomeAsync(request,
            cancellationToken: Ct).ResponseAsync);

        AssertShort(status, "new_arr.currency_code");
    }

    [Fact]
    public async Task AnOversizedReportingCurrencyAndRateKeyAreQuotedShort()
    {
        var metrics = new MetricsService.MetricsServiceClient(Service.Channel);
        var request = new GetPortfolioMetricsRequest
        {
            Period = new ReportingPeriod { Kind = PeriodKind.Month },
            CurrencyCode = Huge,
            ConversionRates = { [Huge] = 2.0 },
        };

        var status = await FailsWith(StatusCode.InvalidArgument, () => metrics.GetPortfolioMetricsAsync(request,
            cancellationToken: Ct).ResponseAsync);

        AssertShort(status, "currency_code");
        Assert.Contains(status.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "conversion_rates");
    }

    [Fact]
    public async Task ThousandsOfViolationsStillFitInTheTrailers()
    {
        var health = new HealthService.HealthServiceClient(Service.Channel);
        var request = new BatchGetHealthScoresRequest();
        request.AccountIds.AddRange(Enumerable.Range(0, 1000).Select(i => $"bad id {i} " + new string('x', 100)));

        var status = await FailsWith(StatusCode.InvalidArgument, () => health.BatchGetHealthScoresAsync(request,
            cancellationToken: Ct).ResponseAsync);

        Assert.True(status.CalculateSize() <= StatusBounds.MaxDetailsBytes, $"{status.CalculateSize()} bytes");
        Assert.NotEmpty(status.GetDetail<BadRequest>()!.FieldViolations);
    }

    /// <summary>The status names <paramref name="field"/>, quotes at most a short prefix, and fits well in the
    /// trailers.</summary>
    private static void AssertShort(Google.Rpc.Status status, string field)
    {
        var violation = Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == field);
        Assert.Contains("100,000 characters", violation.Description);
        Assert.DoesNotContain(new string('Q', Excerpt.MaxQuotedLength + 1), status.ToByteString().ToStringUtf8());
        Assert.True(status.CalculateSize() < 2048, $"{status.CalculateSize()} bytes");
    }
}
