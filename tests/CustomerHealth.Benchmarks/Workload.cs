using System.Globalization;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;

namespace CustomerHealth.Benchmarks;

/// <summary>One kind of product event the workload emits, how often, and what the catalogue says it means.</summary>
internal sealed record EventKind(
    string Name, int Weight, bool Active, bool KeyFeature, bool FirstValue, bool HasQuantity, bool Catalogued = true);

/// <summary>
/// The data of one run, generated up front from a seeded <see cref="Random"/> so that runs are reproducible and message
/// construction is not measured: the accounts, the event catalogue, and every <see cref="StreamEventsRequest"/> already
/// split over the streams. Events are sent in time order, and each account's events always go through the same stream,
/// as a pipeline partitioned by account would send them.
/// </summary>
internal sealed class Workload
{
    public const string Source = "product-analytics";

    /// <summary>
    /// A small product: a few key features, some plain activity, one event the catalogue does not know.
    /// </summary>
    public static readonly IReadOnlyList<EventKind> Kinds =
    [
        new("login", 25, Active: true, KeyFeature: false, FirstValue: false, HasQuantity: false),
        new("dashboard_viewed", 28, Active: true, KeyFeature: false, FirstValue: false, HasQuantity: false),
        new("search_performed", 14, Active: true, KeyFeature: false, FirstValue: false, HasQuantity: false),
        new("report_exported", 10, Active: true, KeyFeature: true, FirstValue: true, HasQuantity: true),
        new("integration_synced", 8, Active: true, KeyFeature: true, FirstValue: false, HasQuantity: true),
        new("alert_created", 5, Active: true, KeyFeature: true, FirstValue: false, HasQuantity: false),
        new("user_invited", 2, Active: true, KeyFeature: true, FirstValue: false, HasQuantity: false),
        new("settings_viewed", 5, Active: false, KeyFeature: false, FirstValue: false, HasQuantity: false),
        new("tooltip_shown", 3, Active: false, KeyFeature: false, FirstValue: false, HasQuantity: false,
            Catalogued: false),
    ];

    private static readonly string[] Clients = ["web", "web", "web", "ios", "android"];
    private static readonly string[] Segments = ["SMB", "Mid-market", "Enterprise"];

    private Workload(
        IReadOnlyList<Account> accounts, EventCatalogue catalogue,
        IReadOnlyList<IReadOnlyList<StreamEventsRequest>> streams, int eventCount)
    {
        Accounts = accounts;
        Catalogue = catalogue;
        Streams = streams;
        EventCount = eventCount;
    }

    public IReadOnlyList<Account> Accounts { get; }
    public EventCatalogue Catalogue { get; }

    /// <summary>Per stream, its batches in sending order; <c>batch_sequence</c> is unique over the whole run.</summary>
    public IReadOnlyList<IReadOnlyList<StreamEventsRequest>> Streams { get; }

    public int EventCount { get; }
    public int BatchCount => Streams.Sum(s => s.Count);

    public static Workload Generate(BenchmarkOptions options, DateTime now)
    {
        var random = new Random(options.Seed);
        var accounts = Enumerable.Range(0, options.Accounts).Select(i => new Account
        {
            AccountId = AccountId(i),
            DisplayName = $"Customer {i:D5}",
            Segment = Segments[i % Segments.Length],
            Owner = $"csm{i % 25:D2}@example.com",
        }).ToArray();
        var users = Enumerable.Range(0, options.Accounts)
            .Select(a => Enumerable.Range(0, options.UsersPerAccount).Select(u => $"usr_{a:D5}_{u:D3}").ToArray())
            .ToArray();

        var events = new (int Account, UsageEvent Event)[options.Events];
        var totalWeight = Kinds.Sum(k => k.Weight);
        var span = TimeSpan.FromDays(options.Days) - TimeSpan.FromMinutes(1);
        for (var i = 0; i < events.Length; i++)
        {
            var account = random.Next(options.Accounts);
            var kind = PickKind(random.Next(totalWeight));
            var e = new UsageEvent
            {
                EventId = RandomGuid(random).ToString("D"),
                AccountId = accounts[account].AccountId,
                UserId = users[account][random.Next(options.UsersPerAccount)],
                EventName = kind.Name,
                OccurTime = Timestamp.FromDateTime(now - TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks))),
            };
            if (kind.HasQuantity) e.Quantity = random.Next(1, 500);
            e.Properties["client"] = Clients[random.Next(Clients.Length)];
            e.Properties["app_version"] = string.Create(
                CultureInfo.InvariantCulture, $"4.{random.Next(8, 12)}.{random.Next(10)}");
            events[i] = (account, e);
        }

        // Time order (a pipeline delivers roughly as events happen); stable, so the seed alone decides the order.
        var ordered = events.OrderBy(e => e.Event.OccurTime.Seconds).ThenBy(e => e.Event.OccurTime.Nanos).ToArray();
        var sequence = 0L;
        var streams = Enumerable.Range(0, options.Streams)
            .Select(s => (IReadOnlyList<StreamEventsRequest>)ordered.Where(e => e.Account % options.Streams == s)
                .Chunk(options.BatchSize)
                .Select(chunk => Batch(chunk.Select(c => c.Event), ++sequence))
                .ToArray())
            .ToArray();
        return new Workload(accounts, CatalogueOf(Kinds), streams, events.Length);
    }

    private static string AccountId(int i) => $"0015g{i:D8}";

    private static EventKind PickKind(int roll)
    {
        foreach (var kind in Kinds)
        {
            if (roll < kind.Weight) return kind;
            roll -= kind.Weight;
        }
        throw new InvalidOperationException("The roll exceeds the total weight.");
    }

    private static Guid RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }

    private static StreamEventsRequest Batch(IEnumerable<UsageEvent> events, long sequence)
    {
        var request = new StreamEventsRequest { Source = Source, BatchSequence = sequence };
        request.Events.AddRange(events);
        return request;
    }

    private static EventCatalogue CatalogueOf(IEnumerable<EventKind> kinds)
    {
        var catalogue = new EventCatalogue();
        catalogue.Events.AddRange(kinds.Where(k => k.Catalogued).Select(k => new CatalogueEvent
        {
            EventName = k.Name,
            Active = k.Active,
            KeyFeature = k.KeyFeature,
            FirstValue = k.FirstValue,
        }));
        return catalogue;
    }
}
