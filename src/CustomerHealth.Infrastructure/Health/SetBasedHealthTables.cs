using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CustomerHealth.Infrastructure.Health;

/// <summary>The tables a recompute writes, each read from the model on first use (the model never changes).</summary>
internal sealed class SetBasedHealthTables
{
    private readonly ConcurrentDictionary<Type, object> _tables = new();

    public HealthRowTable<T> Of<T>(IModel model) =>
        (HealthRowTable<T>)_tables.GetOrAdd(typeof(T), static (_, m) => HealthRowTable<T>.Of(m), model);
}
