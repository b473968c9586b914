using System.Linq.Expressions;
using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// The first and the last account id of a batch that holds every account between them in the database's own id order
/// (the order of <c>ORDER BY account_id</c>, whatever the column's collation): a full recompute's batch, cut from the
/// list of every id read in that order.
/// </summary>
public readonly record struct AccountIdRange(string First, string Last);

/// <summary>
/// Which accounts' rows a batch's reads keep (docs/adr/0069-signal-reads-by-account-id-range.md): the ids given, or,
/// when the batch is a contiguous run of the database's id order (<see cref="AccountIdRange"/>), every row from its
/// first id to its last: one index range per table instead of one index probe per account, and a row estimate the
/// planner gets right. A range may hold accounts the batch does not (added after its ids were listed); their rows are
/// read but never asked for, since every source is looked up by the batch's own ids.
/// </summary>
internal sealed class AccountSelection
{
    private AccountSelection(string[] ids, AccountIdRange? range)
    {
        Ids = ids;
        Range = range;
    }

    /// <summary>The batch's ids (every one of them inside <see cref="Range"/> when there is one).</summary>
    public string[] Ids { get; }

    public AccountIdRange? Range { get; }

    /// <summary>The accounts of <paramref name="ids"/>, by id.</summary>
    public static AccountSelection Of(string[] ids) => new(ids, null);

    /// <summary>The accounts of <paramref name="ids"/>, read as the range <paramref name="range"/> if
    /// given.</summary>
    public static AccountSelection Of(string[] ids, AccountIdRange? range) => new(ids, range);

    /// <summary>The SQL that keeps the selected rows by <paramref name="column"/> (parameters: <see
    /// cref="Parameters"/>).</summary>
    public string Sql(CustomerHealthDbContext db, string column) => Range is null
        ? SpanReads.Among(db, column, "ids")
        : $"{column} >= @first AND {column} <= @last";

    /// <summary>The parameters of <see cref="Sql"/>, their names prefixed with <paramref name="prefix"/>.</summary>
    public IEnumerable<(string Name, object Value)> Parameters(CustomerHealthDbContext db, string prefix = "") =>
        Range is { } r
            ? [(prefix + "first", r.First), (prefix + "last", r.Last)]
            : [(prefix + "ids", SpanReads.Values(db, Ids))];

    /// <summary>The rows of <paramref name="rows"/> whose <paramref name="account"/> is selected.</summary>
    public IQueryable<T> Keep<T>(IQueryable<T> rows, Expression<Func<T, string>> account)
    {
        Expression<Func<string, bool>> test;
        if (Range is { } r)
        {
            var (first, last) = (r.First, r.Last);
            test = id => string.Compare(id, first) >= 0 && string.Compare(id, last) <= 0;
        }
        else
        {
            var ids = Ids;
            test = id => ids.Contains(id);
        }
        var body = new Substitute(test.Parameters[0], account.Body).Visit(test.Body);
        return rows.Where(Expression.Lambda<Func<T, bool>>(body, account.Parameters));
    }

    private sealed class Substitute(ParameterExpression parameter, Expression by) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            node == parameter ? by : base.VisitParameter(node);
    }
}
