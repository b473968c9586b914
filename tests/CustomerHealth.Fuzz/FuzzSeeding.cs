using CustomerHealth.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerHealth.Fuzz;

/// <summary>
/// Stores the run's accounts, their contracts and a few usage events through the ordinary API (typed calls), before
/// the fuzzing starts and again between phases (a fuzzed DeleteAccount may have removed some).
/// </summary>
public static class FuzzSeeding
{
    public static async Task EnsureAsync(CallInvoker invoker, FuzzIds ids, DateTimeOffset now, CancellationToken ct)
    {
        // A fuzzed DeleteAccount followed by a fuzzed (batch) UpsertContract can store a seeded contract id under
        // another seeded account; restoring it removes that account, so the seeding runs again until nothing moved.
        for (var pass = 0; pass <= ids.Count; pass++)
        {
            if (await SeedAsync(invoker, ids, now, ct) == 0) return;
        }
    }

    /// <summary>Seeds every account; returns how many seeded contracts had to be taken back from another
    /// account.</summary>
    private static async Task<int> SeedAsync(CallInvoker invoker, FuzzIds ids, DateTimeOffset now, CancellationToken ct)
    {
        var accounts = new AccountService.AccountServiceClient(invoker);
        var engagement = new EngagementService.EngagementServiceClient(invoker);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var ingest = new IngestEventsRequest { Source = "fuzz-seed" };
        var repaired = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var account = new Account
            {
                AccountId = ids.Account(i), DisplayName = $"Fuzz {i}", Segment = "SMB", Owner = "fuzz",
            };
            await accounts.UpsertAccountAsync(new UpsertAccountRequest { Account = account }, cancellationToken: ct);
            var start = today.AddMonths(-6 - i);
            var contract = new UpsertContractRequest
            {
                Contract = new Contract
                {
                    ContractId = ids.Contract(i),
                    AccountId = ids.Account(i),
                    Arr = new Google.Type.Money { CurrencyCode = "USD", Units = 12_000 * (i + 1) },
                    Seats = 10 * (i + 1),
                    StartDate = FuzzValues.ToDate(start),
                    EndDate = FuzzValues.ToDate(start.AddYears(1)),
                },
            };
            try
            {
                await accounts.UpsertContractAsync(contract, cancellationToken: ct);
            }
            catch (RpcException moved) when (moved.StatusCode == StatusCode.FailedPrecondition)
            {
                var holder = await accounts.GetContractAsync(new GetContractRequest { ContractId = ids.Contract(i) },
                    cancellationToken: ct);
                await accounts.DeleteAccountAsync(
                    new DeleteAccountRequest { AccountId = holder.Contract.AccountId, AllowMissing = true },
                    cancellationToken: ct);
                await accounts.UpsertContractAsync(contract, cancellationToken: ct);
                repaired++;
            }
            for (var e = 0; e < 3; e++)
            {
                ingest.Events.Add(new UsageEvent
                {
                    EventId = $"fuzz-seed-{i}-{e}",
                    AccountId = ids.Account(i),
                    UserId = ids.User(i + e),
                    EventName = "login",
                    OccurTime = Timestamp.FromDateTimeOffset(now.AddDays(-e).AddHours(-1)),
                });
            }
        }
        await engagement.IngestEventsAsync(ingest, cancellationToken: ct);
        return repaired;
    }
}
