using CustomerHealth.V1;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// The tiny portfolio of a smoke run (<c>random-reads --smoke</c>): a temporary SQLite file holding a few accounts
/// created through the API and scored by <c>RecomputeHealthScores</c>, deleted afterwards. It keeps the benchmark
/// working (every call path, every check) in seconds; its figures mean nothing.
/// </summary>
internal sealed class SmokePortfolio : IAsyncDisposable
{
    public const int Accounts = 20;
    private readonly string _folder;

    private SmokePortfolio(string folder, ExistingDatabase database) => (_folder, Database) = (folder, database);

    public ExistingDatabase Database { get; }

    public static async Task<SmokePortfolio> CreateAsync(CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("customerhealth-smoke-").FullName;
        var file = Path.Combine(folder, "smoke.db");
        var database = new ExistingDatabase("Sqlite", $"Data Source={file}", $"SQLite smoke file {file}");
        await using (var server = await InProcessServer.StartAsync(database.ServerSettings, ct, builder =>
                     {
                         ExistingDatabase.HealthOptionsOnly(500)(builder);
                         // UpsertAccount's service predicts renewals too; the benchmark server leaves renewals out.
                         builder.Services.AddSingleton(new Infrastructure.Renewals.RenewalOptions());
                     }))
        {
            var accounts = new AccountService.AccountServiceClient(server.Channel);
            for (var i = 0; i < Accounts; i++)
            {
                var account = new Account
                {
                    AccountId = $"smoke-{i:D3}", DisplayName = $"Smoke {i}", Segment = "SMB", Owner = "csm@example.com",
                };
                await accounts.UpsertAccountAsync(
                    new UpsertAccountRequest { Account = account }, cancellationToken: ct);
            }
            await new HealthService.HealthServiceClient(server.Channel)
                .RecomputeHealthScoresAsync(
                    new RecomputeHealthScoresRequest { AsOfDate = Today() }, cancellationToken: ct);
        }
        return new SmokePortfolio(folder, database);
    }

    private static Google.Type.Date Today()
    {
        var today = DateTime.UtcNow;
        return new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day };
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
