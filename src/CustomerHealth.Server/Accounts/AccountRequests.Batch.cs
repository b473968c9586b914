using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Google.Protobuf;

namespace CustomerHealth.Server.Accounts;

/// <summary>
/// The batch writes' requests: each item is read by the unary call's own reader, so an item is valid exactly when the
/// unary request would be; an item it refuses becomes a rejected result (field paths as in the unary request), and
/// only a batch that is empty or too long is refused as a whole.
/// </summary>
public static partial class AccountRequests
{
    public static partial class Limits
    {
        /// <summary>The most items of one batch write.</summary>
        public const int BatchRequests = 1000;

        /// <summary>
        /// The bounds of the batch requests: the number of items, and per item the unary request's bounds (one more
        /// rejects that item only). A property, not a field: it is built from <see cref="Fields"/>, which lives in the
        /// other part of this class.
        /// </summary>
        public static IReadOnlyList<FieldLimit> BatchFields =>
        [
            .. PerItem<BatchUpsertAccountsRequest, UpsertAccountRequest>(),
            .. PerItem<BatchUpsertContractsRequest, UpsertContractRequest>(),
            .. PerItem<BatchRecordRenewalOutcomesRequest, RecordRenewalOutcomeRequest>(),
        ];

        private static IEnumerable<FieldLimit> PerItem<TBatch, TItem>()
            where TBatch : IMessage, new() where TItem : IMessage, new()
        {
            var batch = new TBatch().Descriptor.FullName;
            var item = new TItem().Descriptor.FullName;
            yield return FieldLimit.Count<TBatch>("requests", BatchRequests);
            foreach (var limit in Fields.Where(l => l.Message == item))
                yield return limit with { Message = batch, Field = "requests[]." + limit.Field, PerItem = true };
        }
    }

    /// <summary>
    /// The items of a batch read with <paramref name="read"/> (a unary reader): those it accepts, and a rejected result
    /// for each it refuses.
    /// </summary>
    /// <exception cref="ValidationException">The batch holds no item or more than <see
    /// cref="Limits.BatchRequests"/>.</exception>
    public static (List<BatchItem<T>> Valid, List<BatchItemResult> Rejected) ReadBatch<TRequest, T>(
        IReadOnlyList<TRequest> requests, Func<TRequest, T> read)
    {
        if (requests.Count is 0 or > Limits.BatchRequests)
        {
            throw new ValidationException("requests",
                $"must hold 1 to {Limits.BatchRequests:N0} items (got {requests.Count:N0})");
        }
        var valid = new List<BatchItem<T>>(requests.Count);
        var rejected = new List<BatchItemResult>();
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                valid.Add(new BatchItem<T>(i, read(requests[i])));
            }
            catch (ValidationException invalid)
            {
                rejected.Add(new BatchItemResult(i, BatchOutcome.Rejected, invalid));
            }
        }
        return (valid, rejected);
    }
}
