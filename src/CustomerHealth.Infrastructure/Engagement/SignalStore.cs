using CustomerHealth.Infrastructure.Persistence;

namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>Reads and writes NPS answers, support tickets and CSM touchpoints: idempotent by the caller's ids.</summary>
public sealed class SignalStore(CustomerHealthDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    internal CustomerHealthDbContext Db => db;

    internal DateTime CurrentTime => Now;
}
