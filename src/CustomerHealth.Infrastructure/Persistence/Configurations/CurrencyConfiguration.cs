using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Currency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerHealth.Infrastructure.Persistence.Configurations;

internal sealed class ExchangeRateSetConfiguration : IEntityTypeConfiguration<ExchangeRateSetRow>
{
    public void Configure(EntityTypeBuilder<ExchangeRateSetRow> builder)
    {
        builder.ToTable("exchange_rate_sets");
        builder.HasKey(s => s.Version);
        builder.Property(s => s.Version).HasColumnName("version").ValueGeneratedNever();
        builder.Property(s => s.ReportingCurrency).HasColumnName("reporting_currency").HasMaxLength(3).IsFixedLength();
        builder.Property(s => s.AsOfDate).HasColumnName("as_of_date");
        builder.Property(s => s.RatesJson).HasColumnName("rates").IsRequired();
        builder.Property(s => s.SetBy).HasColumnName("set_by").HasMaxLength(PersonNames.MaxLength);
        builder.Property(s => s.SetAt).HasColumnName("set_at");
    }
}
