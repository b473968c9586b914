using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>
/// One stored column of a health table as the EF model maps it: its name, how a row's value is read, and the value the
/// engine stores (the property's converter applied, enums as their numbers), so that the set-based writers store
/// exactly what the change tracker would.
/// </summary>
internal sealed class HealthRowColumn<T>(IProperty property, Func<T, object?> read)
{
    private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _converter =
        property.GetTypeMapping().Converter;

    public string Name { get; } = property.GetColumnName();

    /// <summary>The engine-side CLR type of the values, nullable when the column is.</summary>
    public Type ProviderType { get; } = ProviderTypeOf(property);

    public object? ValueOf(T row)
    {
        var value = read(row);
        if (value is null) return null;
        if (_converter is not null) return _converter.ConvertToProvider(value);
        return value is Enum ? Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()),
            System.Globalization.CultureInfo.InvariantCulture) : value;
    }

    private static Type ProviderTypeOf(IProperty property)
    {
        var mapping = (RelationalTypeMapping)property.GetTypeMapping();
        var clr = mapping.Converter?.ProviderClrType ?? property.ClrType;
        clr = Nullable.GetUnderlyingType(clr) ?? clr;
        if (clr.IsEnum) clr = Enum.GetUnderlyingType(clr);
        return clr.IsValueType && property.IsNullable ? typeof(Nullable<>).MakeGenericType(clr) : clr;
    }

    /// <summary>A compiled reader of the property (not reflection per value).</summary>
    public static Func<T, object?> ReaderOf(IProperty property)
    {
        var row = Expression.Parameter(typeof(T), "row");
        var body = Expression.Convert(Expression.Property(row, property.PropertyInfo!), typeof(object));
        return Expression.Lambda<Func<T, object?>>(body, row).Compile();
    }
}

/// <summary>
/// A health table's stored columns (those the database does not generate) and its key, read from the EF model once.
/// </summary>
internal sealed class HealthRowTable<T>
{
    private HealthRowTable(string table, IReadOnlyList<HealthRowColumn<T>> columns, IReadOnlyList<string> key)
    {
        Table = table;
        Columns = columns;
        Key = key;
    }

    public string Table { get; }
    public IReadOnlyList<HealthRowColumn<T>> Columns { get; }
    public IReadOnlyList<string> Key { get; }

    /// <summary>The columns that are not part of the key: those an upsert replaces.</summary>
    public IEnumerable<string> NonKey => Columns.Select(c => c.Name).Except(Key, StringComparer.Ordinal);

    public static HealthRowTable<T> Of(IModel model)
    {
        var entity = model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var columns = entity.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never && p.PropertyInfo is not null)
            .Select(p => new HealthRowColumn<T>(p, HealthRowColumn<T>.ReaderOf(p)))
            .ToArray();
        var key = entity.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName()).ToArray();
        return new HealthRowTable<T>(entity.GetTableName()!, columns, key);
    }
}
