using CustomerHealth.Infrastructure.Engagement;
using CustomerHealth.Server.Tests.Accounts;
using CustomerHealth.Server.Tests.Infrastructure;
using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static CustomerHealth.Server.Tests.Engagement.Events;

namespace CustomerHealth.Server.Tests.Engagement;

public sealed class EventIngestionOnSqlite(SqliteTestDatabase database)
    : EventIngestionTests<SqliteTestDatabase>(database);

public sealed class EventIngestionOnPostgreSql(PostgreSqlTestDatabase database)
    : EventIngestionTests<PostgreSqlTestDatabase>(database);

public sealed class EventIngestionOnSqlServer(SqlServerTestDatabase database)
    : EventIngestionTests<SqlServerTestDatabase>(database);

/// <summary>Usage-event ingestion and the daily rollups, through real gRPC calls, on each database engine.</summary>
public abstract class EventIngestionTests<TDatabase>(TDatabase database) : IntegrationTest<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private EngagementService.EngagementServiceClient Engagement => new(Service.Channel);
    private AccountService.AccountServiceClient Accounts => new(Service.Channel);

    private async Task GivenAccounts(params string[] ids)
    {
        foreach (var id in ids) await Accounts.UpsertAccountAsync(
            new() { Account = Build.Account(id) }, cancellationToken: Ct);
    }

    private async Task<EventBatchResult> Ingest(IngestEventsRequest batch) =>
        (await Engagement.IngestEventsAsync(batch, cancellationToken: Ct)).Result;

    private async Task<DailyUsage[]> Usage(string account, string from = "2026-03-01", string to = "2026-03-31") =>
        (await Engagement.GetDailyUsageAsync(
            new() { AccountId = account, StartDate = Build.Date(from), EndDate = Build.Date(to) },
            cancellationToken: Ct)).Days.ToArray();

    private async Task UseCatalogue(params CatalogueEvent[] events)
    {
        var catalogue = new EventCatalogue();
        catalogue.Events.AddRange(events);
        await Engagement.UpdateEventCatalogueAsync(
            new() { Catalogue = catalogue, UpdatedBy = "ops@example.com" }, cancellationToken: Ct);
    }

    /// <summary>The incrementally maintained rollups of the accounts are exactly what a rebuild from raw events
    /// gives.</summary>
    private async Task AssertRollupsEqualARebuild(params string[] accounts)
    {
        var incremental = await Service.RollupSnapshot(accounts);
        Assert.NotEmpty(incremental);
        foreach (var account in accounts)
            await Engagement.RebuildRollupsAsync(
                new()
                {
                    AccountId = account, StartDate = Build.Date("2025-01-01"),
                    EndDate = Build.Date("2026-12-31")
                }, cancellationToken: Ct);
        Assert.Equal(await Service.RollupSnapshot(accounts), incremental);
    }

    [Fact]
    public async Task AcceptedEventsAreStoredAndRolledUpPerDay()
    {
        await GivenAccounts("rolled");
        await UseCatalogue(
            new CatalogueEvent { EventName = "login", Active = true },
            new CatalogueEvent { EventName = "report_exported", Active = true, KeyFeature = true });

        var result = await Ingest(Batch(
            Event("r1", "rolled", "ann", "login"),
            Event("r2", "rolled", "ann", "report_exported", quantity: 3),
            Event("r3", "rolled", "bob", "settings_viewed"),
            Event("r4", "rolled", "ann", "login", at: "2026-03-13T23:59:59Z")));

        Assert.Equal((4, 0, 0), (result.Accepted, result.Duplicates, result.Rejected));
        var days = await Usage("rolled");
        Assert.Equal(2, days.Length);
        Assert.Equal(Build.Date("2026-03-13"), days[0].Day);
        Assert.Equal((1L, 1, 1), (days[0].Events, days[0].Users, days[0].ActiveUsers));
        Assert.Equal(Build.Date("2026-03-14"), days[1].Day);
        Assert.Equal((3L, 2, 1), (days[1].Events, days[1].Users, days[1].ActiveUsers));
        Assert.Equal(1L, days[1].KeyFeatureEvents["report_exported"]);
        Assert.Equal(4, await Service.RawEventCount("rolled"));
    }

    [Fact]
    public async Task ARetriedBatchStoresNothingTwice()
    {
        await GivenAccounts("retry");
        var batch = Batch(Event("x1", "retry"), Event("x2", "retry", "u2"), Event("x3", "retry", "u3"));
        await Ingest(batch);
        var before = await Service.RollupSnapshot("retry");

        var retry = await Ingest(batch);

        Assert.Equal((0, 3, 0), (retry.Accepted, retry.Duplicates, retry.Rejected));
        Assert.Equal(before, await Service.RollupSnapshot("retry"));
        Assert.Equal(3, await Service.RawEventCount("retry"));
    }

    [Fact]
    public async Task StoredEventsResentAmongNewOnesAreDuplicatesAndTheNewOnesGoIn()
    {
        await GivenAccounts("mixed");
        await Ingest(Batch(Event("mixed-1", "mixed"), Event("mixed-2", "mixed", "u2")));

        // Stored events, new ones and an unknown account in one batch; then batches after it, new and resent again.
        var mixed = await Ingest(
            Batch(
                Event("mixed-1", "mixed"), Event("mixed-3", "mixed", "u3"), Event("mixed-2", "mixed", "u2"),
                Event("mixed-4", "nobody"), Event("mixed-5", "mixed")));
        var fresh = await Ingest(Batch(Event("mixed-6", "mixed", "u6"), Event("mixed-7", "mixed", "u7")));
        var again = await Ingest(Batch(Event("mixed-7", "mixed", "u7"), Event("mixed-8", "mixed", "u8")));
        var freshAgain = await Ingest(Batch(Event("mixed-9", "mixed", "u9")));

        Assert.Equal((2, 2, 1), (mixed.Accepted, mixed.Duplicates, mixed.Rejected));
        Assert.Equal(3, mixed.Rejections.Single().Index);
        Assert.Equal((2, 0, 0), (fresh.Accepted, fresh.Duplicates, fresh.Rejected));
        Assert.Equal((1, 1, 0), (again.Accepted, again.Duplicates, again.Rejected));
        Assert.Equal((1, 0, 0), (freshAgain.Accepted, freshAgain.Duplicates, freshAgain.Rejected));
        Assert.Equal(8, await Service.RawEventCount("mixed"));
        Assert.Equal((8L, 7), ((await Usage("mixed")).Single().Events, (await Usage("mixed")).Single().Users));
        await AssertRollupsEqualARebuild("mixed");
    }

    [Fact]
    public async Task EventIdsAreUniquePerSourceAndRepeatsInsideABatchCountOnce()
    {
        await GivenAccounts("dedupe");

        var first = await Ingest(
            Batch("web", Event("same", "dedupe"), Event("same", "dedupe"), Event("other", "dedupe")));
        var otherSource = await Ingest(Batch("mobile", Event("same", "dedupe")));

        Assert.Equal((2, 1), (first.Accepted, first.Duplicates));
        Assert.Equal((1, 0), (otherSource.Accepted, otherSource.Duplicates));
        Assert.Equal(3L, (await Usage("dedupe")).Single().Events);
    }

    [Fact]
    public async Task EachBadEventIsRejectedWithItsIndexAndReasonWhileTheOthersAreStored()
    {
        await GivenAccounts("strict");
        var noTime = Event("no-time", "strict");
        noTime.OccurTime = null;
        var badTime = Event("bad-time", "strict");
        badTime.OccurTime = new Timestamp { Seconds = long.MaxValue };
        var manyProperties = Event("props", "strict");
        for (var i = 0; i < 33; i++) manyProperties.Properties[$"k{i}"] = "v";

        var result = await Ingest(Batch(
            Event("ok-1", "strict"),
            Event("unknown", "nobody"),
            Event("", "strict"),
            Event("no-user", "strict", user: ""),
            Event("spaced-user", "strict", user: "a b"),
            Event("long-name", "strict", name: new string('n', 101)),
            Event("future", "strict", at: "2026-03-15T10:36:00Z"),
            Event("old", "strict", at: "2025-01-01T00:00:00Z"),
            Event("negative", "strict", quantity: -1),
            Event("nan", "strict", quantity: double.NaN),
            noTime,
            badTime,
            manyProperties,
            Event("ok-2", "strict", at: "2026-03-15T10:34:00Z")));

        Assert.Equal(2, result.Accepted);
        Assert.Equal(12, result.Rejected);
        Assert.Equal(
            [
                (1, EventRejectionReason.UnknownAccount), (2, EventRejectionReason.MissingField),
                    (3, EventRejectionReason.MissingField),
                (4, EventRejectionReason.InvalidField), (5, EventRejectionReason.TooLong),
                    (6, EventRejectionReason.InFuture),
                (7, EventRejectionReason.TooOld), (8, EventRejectionReason.InvalidField),
                    (9, EventRejectionReason.InvalidField),
                (10, EventRejectionReason.MissingField), (11, EventRejectionReason.InvalidField),
                    (12, EventRejectionReason.TooLong),
            ],
            result.Rejections.Select(r => (r.Index, r.Reason)));
        Assert.Contains("user_id", result.Rejections[2].Message);
        Assert.Equal("unknown", result.Rejections[0].EventId);
        Assert.Equal(2, await Service.RawEventCount("strict"));
    }

    [Fact]
    public async Task BatchLevelMistakesAreInvalidArgument()
    {
        await GivenAccounts("batch");
        var tooMany = Batch(Enumerable.Range(0, 5001).Select(i => Event($"e{i}", "batch")).ToArray());

        await RejectsField(
            "source", () => Engagement.IngestEventsAsync(Batch("", Event("a", "batch")), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "source", () => Engagement.IngestEventsAsync(Batch("has space", Event("a", "batch")), cancellationToken: Ct)
            .ResponseAsync);
        await RejectsField(
            "events", () => Engagement.IngestEventsAsync(Batch("product"), cancellationToken: Ct).ResponseAsync);
        await RejectsField("events", () => Engagement.IngestEventsAsync(tooMany, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(0, await Service.RawEventCount("batch"));
    }

    [Fact]
    public async Task ABatchOverTheMessageSizeLimitIsResourceExhaustedAndStoresNothing()
    {
        await GivenAccounts("huge");
        var events = Enumerable.Range(0, 400).Select(i =>
        {
            var e = Event($"huge-{i}", "huge");
            for (var k = 0; k < 20; k++) e.Properties[$"k{k}"] = new string('x', 512);
            return e;
        }).ToArray();

        // grpc-dotnet rejects the message before any service code runs (4 MB by default).
        var ex = await Assert.ThrowsAsync<RpcException>(
            () => Engagement.IngestEventsAsync(Batch(events), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);

        Assert.Equal(0, await Service.RawEventCount("huge"));
    }

    [Fact]
    public async Task LateAndOutOfOrderEventsLandOnTheirOwnDay()
    {
        await GivenAccounts("late");
        await UseCatalogue(); // no active names: every event counts as activity
        await Ingest(Batch(Event("l1", "late", "u1", at: "2026-03-14T12:00:00Z")));
        await Ingest(
            Batch(
                Event("l2", "late", "u2", at: "2026-03-10T08:00:00Z"),
                Event("l3", "late", "u1", at: "2026-03-12T08:00:00Z")));
        await Ingest(
            Batch(
                Event("l4", "late", "u1", at: "2026-03-10T23:00:00Z"),
                Event("l5", "late", "u3", at: "2026-03-14T00:00:00Z")));

        var days = await Usage("late");

        Assert.Equal(
            ["2026-03-10 2 2", "2026-03-12 1 1", "2026-03-14 2 2"],
            days.Select(d => $"{d.Day.Year}-{d.Day.Month:D2}-{d.Day.Day:D2} {d.Events} {d.ActiveUsers}"));
        await AssertRollupsEqualARebuild("late");
    }

    [Fact]
    public async Task IncrementalRollupsEqualARebuildFromRawEvents()
    {
        await GivenAccounts("mix-a", "mix-b");
        await UseCatalogue(
            new CatalogueEvent { EventName = "login", Active = true },
            new CatalogueEvent { EventName = "dashboard", KeyFeature = true, Active = true },
            new CatalogueEvent { EventName = "export", KeyFeature = true });
        var random = new Random(7);
        string[] names = ["login", "dashboard", "export", "help_opened"];
        for (var b = 0; b < 6; b++)
        {
            var batch = Enumerable.Range(0, 40).Select(i =>
            {
                var n = random.Next(0, 150); // ids repeat across batches: duplicates on purpose
                var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n * 97 % (13 * 24 * 60));
                return Event(
                    $"m{n}", n % 3 == 0 ? "mix-b" : "mix-a", $"user{n % 7}", names[n % names.Length], at.ToString("O"));
            }).ToArray();
            await Ingest(Batch(batch));
        }

        await AssertRollupsEqualARebuild("mix-a", "mix-b");
    }

    [Fact]
    public async Task ChangingTheCatalogueRebuildsTheRollupsToMatch()
    {
        await GivenAccounts("cat");
        await UseCatalogue();
        await Ingest(
            Batch(
                Event("c1", "cat", "u1", "login"), Event("c2", "cat", "u2", "page_viewed"),
                Event("c3", "cat", "u2", "export")));
        Assert.Equal(2, (await Usage("cat")).Single().ActiveUsers); // no active names yet: every event counts

        var before = (await Engagement.GetEventCatalogueAsync(new(), cancellationToken: Ct)).Catalogue.Version;
        var updated = await Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events = { new CatalogueEvent { EventName = "login", Active = true },
                new CatalogueEvent { EventName = "export", KeyFeature = true } }
            },
            UpdatedBy = "ops@example.com",
            ExpectedVersion = before,
        }, cancellationToken: Ct);

        Assert.Equal(before + 1, updated.Catalogue.Version);
        Assert.Equal(TestCredentials.Subject, updated.Catalogue.UpdatedBy);
        var day = (await Usage("cat")).Single();
        Assert.Equal(1, day.ActiveUsers);
        Assert.Equal(1L, day.KeyFeatureEvents["export"]);

        var stale = await FailsWith(StatusCode.FailedPrecondition, () => Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue(),
            UpdatedBy = "ops@example.com",
            ExpectedVersion = before,
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal("CATALOGUE_VERSION_MISMATCH", stale.GetDetail<ErrorInfo>()?.Reason);
        await RejectsField("catalogue.events[1].event_name", () => Engagement.UpdateEventCatalogueAsync(new()
        {
            Catalogue = new EventCatalogue
            {
                Events = { new CatalogueEvent { EventName = "login" },
                new CatalogueEvent { EventName = "login" } }
            },
            UpdatedBy = "ops@example.com",
        }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task DeletingAPersonRemovesTheirEventsAndCorrectsTheRollups()
    {
        await GivenAccounts("gdpr");
        await UseCatalogue(new CatalogueEvent { EventName = "export", KeyFeature = true, Active = true });
        await Ingest(Batch(
            Event("g1", "gdpr", "leaver@example.com", "export"),
                Event("g2", "gdpr", "leaver@example.com", "login", at: "2026-03-12T10:00:00Z"),
            Event("g3", "gdpr", "stayer", "export"), Event("g4", "gdpr", "stayer", "login")));
        await Engagement.RecordNpsResponseAsync(
            new() { Response = BuildSignal.Nps("gdpr-nps-1", "gdpr", respondent: "leaver@example.com") },
            cancellationToken: Ct);
        await Engagement.RecordNpsResponseAsync(
            new() { Response = BuildSignal.Nps("gdpr-nps-2", "gdpr", respondent: "stayer") }, cancellationToken: Ct);

        var deletion = await Engagement.DeletePersonDataAsync(
            new() { UserId = "leaver@example.com" }, cancellationToken: Ct);

        Assert.Equal(2, deletion.DeletedEvents);
        Assert.Equal(1, deletion.DeletedNpsResponses);
        var answers = await Engagement.ListNpsResponsesAsync(new() { AccountId = "gdpr" }, cancellationToken: Ct);
        Assert.Equal(["gdpr-nps-2"], answers.Responses.Select(r => r.ResponseId));
        Assert.Equal(2, deletion.CorrectedAccountDays);
        var day = (await Usage("gdpr")).Single();
        Assert.Equal((2L, 1, 1, 1L), (day.Events, day.Users, day.ActiveUsers, day.KeyFeatureEvents["export"]));
        Assert.Equal(2, await Service.RawEventCount("gdpr"));
        await AssertRollupsEqualARebuild("gdpr");
    }

    [Fact]
    public async Task DeletingAPersonInOneAccountKeepsTheirEventsInOthers()
    {
        await GivenAccounts("gdpr-a", "gdpr-b");
        await UseCatalogue(new CatalogueEvent { EventName = "export", KeyFeature = true, Active = true });
        await Ingest(Batch(
            Event("ga1", "gdpr-a", "mover", "export", at: "2026-03-10T10:00:00Z"),
                Event("ga2", "gdpr-a", "mover", "export", at: "2026-03-11T10:00:00Z"),
            Event("ga3", "gdpr-a", "mover", "login", at: "2026-03-14T23:59:59Z"),
                Event("ga4", "gdpr-a", "other", "export", at: "2026-03-11T09:00:00Z"),
            Event("gb1", "gdpr-b", "mover", "export", at: "2026-03-11T10:00:00Z")));

        var deletion = await Engagement.DeletePersonDataAsync(
            new() { UserId = "mover", AccountId = "gdpr-a" }, cancellationToken: Ct);

        Assert.Equal((3L, 3), (deletion.DeletedEvents, deletion.CorrectedAccountDays));
        Assert.Equal(1, await Service.RawEventCount("gdpr-a"));
        Assert.Equal(1, await Service.RawEventCount("gdpr-b"));
        var left = (await Usage("gdpr-a")).Single();
        Assert.Equal((1L, 1, 1L), (left.Events, left.Users, left.KeyFeatureEvents["export"]));
        Assert.Equal(1L, (await Usage("gdpr-b")).Single().KeyFeatureEvents["export"]);
        await AssertRollupsEqualARebuild("gdpr-a", "gdpr-b");
    }

    [Fact]
    public async Task TwoConcurrentStreamsForOneAccountAddUpExactly()
    {
        await GivenAccounts("busy");
        async Task Stream(string prefix)
        {
            using var call = Engagement.StreamEvents(cancellationToken: Ct);
            for (var b = 0; b < 5; b++)
            {
                var request = new StreamEventsRequest { Source = "product", BatchSequence = b };
                request.Events.AddRange(
                    Enumerable.Range(0, 50)
                    .Select(
                        i => Event($"{prefix}-{b}-{i}", "busy", $"user{i % 9}", at: $"2026-03-1{i % 4}T10:00:00Z")));
                await call.RequestStream.WriteAsync(request, Ct);
                Assert.True(await call.ResponseStream.MoveNext(Ct));
                Assert.Equal(b, call.ResponseStream.Current.BatchSequence);
                Assert.Equal(50, call.ResponseStream.Current.Result.Accepted);
            }
            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(Ct));
        }

        await Task.WhenAll(Stream("left"), Stream("right"));

        Assert.Equal(500L, (await Usage("busy")).Sum(d => d.Events));
        Assert.Equal(500, await Service.RawEventCount("busy"));
        await AssertRollupsEqualARebuild("busy");
    }

    private static StreamEventsRequest StreamBatch(long sequence, params UsageEvent[] events)
    {
        var request = new StreamEventsRequest { Source = "product", BatchSequence = sequence };
        request.Events.AddRange(events);
        return request;
    }

    [Fact]
    public async Task BatchesSentAheadOfTheAnswersAreAnsweredOneByOneInOrder()
    {
        await GivenAccounts("ahead");
        using var call = Engagement.StreamEvents(cancellationToken: Ct);
        // All sent before reading any answer, so the server finds several batches waiting (and may commit them
        // together).
        await call.RequestStream.WriteAsync(
            StreamBatch(1, Event("ah-1", "ahead"), Event("ah-2", "ahead", "u2", "report_exported")), Ct);
        await call.RequestStream.WriteAsync(
            StreamBatch(2, Event("ah-2", "ahead", "u2"), Event("ah-3", "ahead", "u3"), Event("ah-3", "ahead", "u3")),
            Ct);
        await call.RequestStream.WriteAsync(
            StreamBatch(3, Event("ah-4", "nobody"), Event("ah-5", "ahead", at: "2026-03-13T08:00:00Z")), Ct);
        await call.RequestStream.CompleteAsync();

        var answers = new List<StreamEventsResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync(Ct)) answers.Add(answer);

        Assert.Equal([1L, 2L, 3L], answers.Select(a => a.BatchSequence));
        Assert.Equal(
            [(2, 0, 0), (1, 2, 0), (1, 0, 1)],
            answers.Select(a => (a.Result.Accepted, a.Result.Duplicates, a.Result.Rejected)));
        Assert.Equal(
            (0, EventRejectionReason.UnknownAccount),
            (answers[2].Result.Rejections[0].Index, answers[2].Result.Rejections[0].Reason));
        Assert.Equal(4, await Service.RawEventCount("ahead"));
        var days = await Usage("ahead");
        Assert.Equal([(1L, 1), (3L, 3)], days.Select(d => (d.Events, d.Users)));
        await AssertRollupsEqualARebuild("ahead");
    }

    [Fact]
    public async Task AMalformedBatchSentAheadEndsTheStreamAfterStoringTheBatchesBeforeIt()
    {
        await GivenAccounts("ahead-bad");
        using var call = Engagement.StreamEvents(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(StreamBatch(1, Event("ab-1", "ahead-bad"), Event("ab-2", "ahead-bad")), Ct);
        await call.RequestStream.WriteAsync(StreamBatch(2), Ct); // no events: INVALID_ARGUMENT
        await call.RequestStream.WriteAsync(StreamBatch(3, Event("ab-3", "ahead-bad")), Ct);
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(Ct));
        Assert.Equal((1L, 2), (call.ResponseStream.Current.BatchSequence, call.ResponseStream.Current.Result.Accepted));
        await RejectsField("events", () => call.ResponseStream.MoveNext(Ct));
        Assert.Equal(2, await Service.RawEventCount("ahead-bad"));
    }

    [Fact]
    public async Task ABadBatchEndsTheStreamWithInvalidArgumentAndKeepsTheEarlierBatches()
    {
        await GivenAccounts("halt");
        using var call = Engagement.StreamEvents(cancellationToken: Ct);
        var good = new StreamEventsRequest
        {
            Source = "product", BatchSequence = 1,
            Events = { Event("halt-1", "halt") }
        };
        await call.RequestStream.WriteAsync(good, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        await call.RequestStream.WriteAsync(
            new StreamEventsRequest { Source = "", BatchSequence = 2, Events = { Event("halt-2", "halt") } }, Ct);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "source");
        Assert.Equal(1, await Service.RawEventCount("halt"));
    }

    [Fact]
    public async Task AStreamCutOffHalfWayKeepsEveryAcknowledgedBatch()
    {
        await GivenAccounts("cut");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = Engagement.StreamEvents(cancellationToken: cancel.Token);
        var first = new StreamEventsRequest { Source = "product", BatchSequence = 1 };
        first.Events.AddRange(Enumerable.Range(0, 100).Select(i => Event($"cut-a{i}", "cut", $"u{i % 5}")));
        await call.RequestStream.WriteAsync(first, Ct);
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var second = new StreamEventsRequest { Source = "product", BatchSequence = 2 };
        second.Events.AddRange(Enumerable.Range(0, 100).Select(i => Event($"cut-b{i}", "cut", $"u{i % 5}")));
        await call.RequestStream.WriteAsync(second, Ct);
        await cancel.CancelAsync();
        call.Dispose();

        // Whatever the server had done with the unacknowledged batch, it is all or nothing, and the first batch is
        // kept.
        var stored = await WaitForQuietAsync();
        Assert.True(stored is 100 or 200, $"{stored} events stored");
        await AssertRollupsEqualARebuild("cut");
    }

    private async Task<int> WaitForQuietAsync()
    {
        var last = -1;
        for (var i = 0; i < 50; i++)
        {
            var now = await Service.RawEventCount("cut");
            if (now == last) return now;
            last = now;
            await Task.Delay(100, Ct);
        }
        return last;
    }

    [Fact]
    public async Task RawEventsPastRetentionArePurgedWhileTheRollupsStay()
    {
        await GivenAccounts("aging");
        await Ingest(
            Batch(
                Event("old-1", "aging", at: "2026-03-01T10:00:00Z"),
                Event("new-1", "aging", at: "2026-03-15T10:00:00Z")));
        var rollups = await Service.RollupSnapshot("aging");

        Clock.Set(new DateTimeOffset(2027, 4, 10, 0, 0, 0, TimeSpan.Zero)); // 2026-03-01 is now past the 400-day window
        await using (var scope = Service.Services.CreateAsyncScope())
        {
            var purged = await scope.ServiceProvider.GetRequiredService<UsageStore>().PurgeExpiredEventsAsync(Ct);
            Assert.True(purged >= 1); // other tests' old events in this database go too

        }

        Assert.Equal(1, await Service.RawEventCount("aging"));
        Assert.Equal(rollups, await Service.RollupSnapshot("aging"));
    }

    [Fact]
    public async Task ReadingUsageChecksTheAccountAndTheRange()
    {
        await FailsWith(
            StatusCode.NotFound,
            () => Engagement.GetDailyUsageAsync(
                new()
                {
                    AccountId = "ghost", StartDate = Build.Date("2026-01-01"),
                    EndDate = Build.Date("2026-01-31")
                }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "end_date",
            () => Engagement.GetDailyUsageAsync(
                new()
                {
                    AccountId = "ghost", StartDate = Build.Date("2026-01-31"),
                    EndDate = Build.Date("2026-01-01")
                }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "end_date",
            () => Engagement.GetDailyUsageAsync(
                new()
                {
                    AccountId = "ghost", StartDate = Build.Date("2024-01-01"),
                    EndDate = Build.Date("2026-01-01")
                }, cancellationToken: Ct).ResponseAsync);
        await RejectsField(
            "start_date",
            () => Engagement.GetDailyUsageAsync(
                new() { AccountId = "ghost", EndDate = Build.Date("2026-01-01") }, cancellationToken: Ct)
                .ResponseAsync);
    }

    [Fact]
    public async Task AnAccountDeletedWhileItsEventsStreamInKeepsNoneOfThem()
    {
        await GivenAccounts("racing");
        using var call = Engagement.StreamEvents(cancellationToken: Ct);
        var answers = new List<EventBatchResult>();
        var reading = Task.Run(async () =>
        {
            await foreach (var answer in call.ResponseStream.ReadAllAsync(Ct)) answers.Add(answer.Result);
        }, Ct);
        for (var b = 0; b < 40; b++)
        {
            await call.RequestStream.WriteAsync(
                StreamBatch(
                    b, Enumerable.Range(0, 25).Select(i => Event($"race-{b}-{i}", "racing", $"user{i}")).ToArray()),
                    Ct);
            if (b == 10) await Accounts.DeleteAccountAsync(new() { AccountId = "racing" }, cancellationToken: Ct);
        }
        await call.RequestStream.CompleteAsync();
        await reading;

        // Every batch was stored before the deletion (and deleted with the account) or rejected after it: nothing
        // stays.
        Assert.Equal(40, answers.Count);
        Assert.All(answers, a => Assert.Equal(25, a.Accepted + a.Rejected));
        Assert.All(
            answers.Where(a => a.Rejected > 0),
            a => Assert.All(a.Rejections, r => Assert.Equal(EventRejectionReason.UnknownAccount, r.Reason)));
        Assert.Equal(25, answers[^1].Rejected);
        Assert.Equal(0, await Service.RawEventCount("racing"));
        Assert.Empty(await Service.RollupSnapshot("racing"));
    }

    [Fact]
    public async Task DeletingAnAccountDeletesItsEventsAndRollups()
    {
        await GivenAccounts("doomed");
        await Ingest(Batch(Event("d1", "doomed"), Event("d2", "doomed", "u2")));

        await Accounts.DeleteAccountAsync(new() { AccountId = "doomed" }, cancellationToken: Ct);

        Assert.Empty(await Service.RollupSnapshot("doomed"));
        Assert.Equal(0, await Service.RawEventCount("doomed"));
    }
}
