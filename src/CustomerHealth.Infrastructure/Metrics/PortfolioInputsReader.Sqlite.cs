using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Health;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Metrics;

/// <summary>
/// The SQLite side of the hand-written reads: the same statements and columns, stepped through SQLite's own API (<see
/// cref="RawReads.ReadSqliteRowsAsync"/>). Days are parsed from the stored UTF-8 text without a string, a NULL day or
/// text read as no bytes (a stored day is never empty), and the few distinct segments, owners and currencies are made
/// into strings once per read (<see cref="StoredUtf8"/>).
/// </summary>
public sealed partial class PortfolioInputsReader
{
    private static async Task<List<AccountRow>> ReadTodayRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var rows = new List<AccountRow>();
        var names = new StoredUtf8.Pool();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            var noScore = row.IsNull(4);
            rows.Add(new AccountRow(
                row.Text(0), (CsTier)row.Int32(1), names.OrNull(row, 2), names.OrNull(row, 3),
                noScore ? null : (HealthBand)row.Int32(4), noScore ? null : (LifecycleStage)row.Int32(5),
                noScore ? null : row.Int32(6) != 0, row.IsNull(7) ? null : row.Int32(7),
                StoredUtf8.Day(row.Utf8(8)), StoredUtf8.Day(row.Utf8(9))));
        }, ct);
        return rows;
    }

    private static async Task<List<ContractFacts>> ReadContractRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var contracts = new List<ContractFacts>();
        var currencies = new StoredUtf8.Pool();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            var outcome = row.IsNull(6) ? RenewalOutcomeKind.Unspecified : (RenewalOutcomeKind)row.Int32(6);
            contracts.Add(new ContractFacts
            {
                ContractId = row.Text(0),
                AccountId = row.Text(1),
                Arr = new Money(row.Int64(2) / 1_000_000m, currencies.Of(row.Utf8(3))),
                Start = StoredUtf8.Day(row.Utf8(4))!.Value,
                End = StoredUtf8.Day(row.Utf8(5))!.Value,
                Outcome = outcome,
                NewArr = outcome == RenewalOutcomeKind.Renewed && !row.IsNull(7) ? row.Int64(7) / 1_000_000m : null,
                DecidedOn = StoredUtf8.Day(row.Utf8(8)),
            });
        }, ct);
        return contracts;
    }

    private static async Task<List<(string AccountId, DateOnly Due, DateOnly? DoneOn)>> ReadMilestoneRowsOnSqliteAsync(
        CustomerHealthDbContext db, string sql, List<(string Name, object Value)> parameters, CancellationToken ct)
    {
        var rows = new List<(string, DateOnly, DateOnly?)>();
        await db.Database.ReadSqliteRowsAsync(sql, parameters, row =>
        {
            // An instant is stored as yyyy-MM-dd HH:mm:ss text in UTC: its first ten characters are its UTC day.
            var done = row.Utf8(2);
            rows.Add((row.Text(0), StoredUtf8.Day(row.Utf8(1))!.Value,
                StoredUtf8.Day(done.Length > 10 ? done[..10] : done)));
        }, ct);
        return rows;
    }
}
