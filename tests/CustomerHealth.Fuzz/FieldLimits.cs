using System.Reflection;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;

namespace CustomerHealth.Fuzz;

/// <summary>
/// The maximum of each caller-controlled field, read from the server's own tables: the nested <c>Limits</c> class of
/// every slice's <c>&lt;Slice&gt;Requests</c> (constants named after the field, e.g. <c>DisplayName</c> for
/// <c>display_name</c>), plus the page size bound of <see cref="PageToken"/>. The fuzzer sends maximum+1 of these, so a
/// new limit is probed without touching the fuzzer. This is the one place the fuzzer learns limits: a field with no
/// entry gets <see cref="Fallback"/>.
/// </summary>
public sealed class FieldLimits
{
    /// <summary>The size tried for a field the tables do not name: well past any sane field length.</summary>
    public const int Fallback = 20_000;

    private readonly IReadOnlyDictionary<string, double> _byName;

    public FieldLimits(IReadOnlyDictionary<string, double> byName) => _byName = byName;

    /// <summary>The limits of the server assembly's Limits tables.</summary>
    public static FieldLimits FromServer { get; } = new(ReadTables(typeof(AccountRequests).Assembly));

    /// <summary>Every constant read, by table-qualified name (for the report and for tests of the seam).</summary>
    public IReadOnlyDictionary<string, double> Entries => _byName;

    /// <summary>
    /// The largest limit that matches a proto field name: a constant named as the field (PascalCase), or one whose name
    /// ends or starts with it (<c>note</c> matches <c>TouchpointNote</c>, <c>events</c> <c>EventsPerBatch</c>), or one
    /// the field's name ends with (<c>account_id</c> matches <c>Id</c>). The largest, so that maximum+1 breaks every
    /// slice's rule at once.
    /// </summary>
    public double? For(string protoFieldName)
    {
        var pascal = Pascal(protoFieldName);
        double? best = null;
        foreach (var (qualified, value) in _byName)
        {
            var name = qualified[(qualified.LastIndexOf('.') + 1)..];
            var matches = name == pascal || name.EndsWith(pascal, StringComparison.Ordinal)
                || name.StartsWith(pascal, StringComparison.Ordinal) || pascal.EndsWith(name, StringComparison.Ordinal);
            if (matches && (best is null || value > best)) best = value;
        }
        return best;
    }

    /// <summary>A string length just over the field's limit (or the fallback when the tables do not name it).</summary>
    public int LengthOver(string protoFieldName) => For(protoFieldName) is { } max && max < 1_000_000
        ? (int)max + 1
        : Fallback;

    public static string Pascal(string snake) => string.Concat(
        snake.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static Dictionary<string, double> ReadTables(Assembly server)
    {
        var limits = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["PageToken.PageSize"] = PageToken.MaxPageSize,
        };
        var tables = server.GetTypes()
            .Where(t => t.Name.EndsWith("Requests", StringComparison.Ordinal))
            .Select(t => t.GetNestedType("Limits", BindingFlags.Public | BindingFlags.NonPublic))
            .OfType<Type>();
        foreach (var table in tables)
        {
            foreach (var field in table.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var value = field.GetValue(null);
                if (value is IConvertible && value is int or long or double or decimal or short)
                    limits[$"{table.DeclaringType!.Name}.{field.Name}"] = Convert.ToDouble(value, null);
            }
        }
        return limits;
    }
}
