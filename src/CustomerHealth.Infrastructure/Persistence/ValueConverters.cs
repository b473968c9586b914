using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerHealth.Infrastructure.Persistence;

/// <summary>Stores UTC instants without a kind and marks them UTC when read, on every provider.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>
/// Money amounts as 64-bit micro-units (6 decimal places): exact, sortable and summable on SQLite, PostgreSQL and SQL
/// Server alike (SQLite has no decimal type). Amounts are validated to at most 6 decimals and 10^12 before they get
/// here.
/// </summary>
internal sealed class MicrosConverter() : ValueConverter<decimal, long>(
    v => (long)decimal.Round(v * 1_000_000m, 0, MidpointRounding.ToEven),
    v => v / 1_000_000m);
