using CustomerHealth.Infrastructure.Health;
using CustomerHealth.Server.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CustomerHealth.Benchmarks;

/// <summary>
/// A database that already holds a portfolio (made by <c>generate --write direct</c>), named by <c>--postgres
/// CONNECTION</c> or <c>--sqlite FILE</c>. It is used as it is: not created, not dropped, not migrated (run the
/// server's <c>migrate</c> command first; SQLite migrates at start-up anyway).
/// </summary>
internal sealed record ExistingDatabase(string Provider, string ConnectionString, string Description)
{
    public const string OptionsUsage = """
          --postgres CONNECTION   an existing PostgreSQL database holding the portfolio (Host=…;Port=…;Username=…;Database=…)
          --sqlite FILE           an existing SQLite database file holding the portfolio
        """;

    public static ExistingDatabase? TryRead(string name, string value) => name switch
    {
        "--postgres" => new ExistingDatabase("PostgreSql", value,
            $"PostgreSQL database {new NpgsqlConnectionStringBuilder(value).Database} on " +
            $"{new NpgsqlConnectionStringBuilder(value).Host}:{new NpgsqlConnectionStringBuilder(value).Port}"),
        "--sqlite" => File.Exists(value)
            ? new ExistingDatabase(
                "Sqlite", $"Data Source={Path.GetFullPath(value)}",
                $"SQLite file {Path.GetFullPath(value)} ({new FileInfo(value).Length / 1e9:N2} GB)")
            : throw new ArgumentException($"--sqlite: no file '{value}'"),
        _ => null,
    };

    public string Label => Provider == "Sqlite" ? "SQLite" : "PostgreSQL";

    public IReadOnlyDictionary<string, string?> ServerSettings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider,
        ["ConnectionStrings:CustomerHealth"] = ConnectionString,
        ["Database:MigrateOnStartup"] = Provider == "Sqlite" ? "true" : "false",
    };

    /// <summary>
    /// The health options the service reads (batch size), registered without the background worker so nothing else
    /// runs.
    /// </summary>
    public static Action<WebApplicationBuilder> HealthOptionsOnly(
        int batchSize, TimeSpan? readCacheTtl = null, bool readModel = false) =>
        builder =>
        {
            builder.Services.AddSingleton(new HealthOptions
            {
                BatchSize = batchSize,
                DailyPass = false,
                ReadCacheTtl = readCacheTtl ?? HealthReadCache.DefaultTimeToLive,
                ReadModel = readModel,
            });
            // The read model (ADR 0072) with it, idle unless on.
            if (readModel) Server.Hosting.ServiceRegistration.AddHealthReadModel(builder.Services);
        };
}
