using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Server.Grpc;
using V1 = CustomerHealth.V1;

namespace CustomerHealth.Server.Accounts;

/// <summary>The results of a batch write as v1 messages: one per item, in the order of the request.</summary>
public static class BatchResults
{
    /// <param name="idOf">The item's id as sent; echoed only when it is a valid id (never a huge or odd
    /// value).</param>
    public static IEnumerable<V1.BatchWriteResult> ToProto<TRequest>(
        IReadOnlyList<TRequest> requests, Func<TRequest, string?> idOf, IEnumerable<BatchItemResult> results) =>
        results.OrderBy(r => r.Index).Select(r =>
        {
            var id = idOf(requests[r.Index]);
            var message = new V1.BatchWriteResult
            {
                Index = r.Index,
                Id = id is not null && Identifiers.IsValid(id) ? id : "",
                Outcome = (V1.BatchWriteOutcome)r.Outcome,
            };
            if (r.Error is { } error) message.Error = DomainErrorStatus.From(error);
            return message;
        });
}
