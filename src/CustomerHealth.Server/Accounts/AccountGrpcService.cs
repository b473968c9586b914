using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Accounts;

/// <summary>customerhealth.v1.AccountService: read the request, call the store, map the result.</summary>
public sealed partial class AccountGrpcService(
    AccountStore store,
    AccountBatchWriter batches,
    AccountOverviewReader overviews,
    AccountTrees trees,
    ContactStore contacts
)
    : Stubs.AccountService.AccountServiceBase
{
    public static readonly string ServiceName = AccountService.Descriptor.FullName;

    public override async Task<UpsertAccountResponse> UpsertAccount(
        UpsertAccountRequest request, ServerCallContext context)
    {
        var (account, created) = await store.UpsertAccountAsync(
            AccountRequests.Read(request), context.CancellationToken);
        return new UpsertAccountResponse { Account = account.ToProto(), Created = created };
    }

    public override async Task<GetAccountResponse> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var account = await store.GetAccountAsync(
            AccountRequests.ReadAccountId(request.AccountId), context.CancellationToken);
        return new GetAccountResponse { Account = account.ToProto() };
    }

    public override async Task<ListAccountsResponse> ListAccounts(
        ListAccountsRequest request, ServerCallContext context)
    {
        var (filter, tree, pageSize, after, fingerprint) = AccountRequests.Read(request);
        if (tree is not null)
        {
            var members = await trees.MembersAsync(tree, context.CancellationToken);
            filter = filter with { AccountIds = members.Select(m => m.AccountId).ToArray() };
        }
        var page = await store.ListAccountsAsync(filter, pageSize, after, context.CancellationToken);
        var response = new ListAccountsResponse { TotalSize = page.TotalSize ?? 0 };
        response.Accounts.AddRange(page.Items.Select(a => a.ToProto()));
        if (page.HasMore) response.NextPageToken = PageToken.Encode(fingerprint, page.Items[^1].Id);
        return response;
    }

    public override async Task<DeleteAccountResponse> DeleteAccount(
        DeleteAccountRequest request, ServerCallContext context)
    {
        var accountId = AccountRequests.ReadAccountId(request.AccountId);
        var (deleted, contracts) =
            await store.DeleteAccountAsync(accountId, context.Caller(), context.CancellationToken);
        if (!deleted && !request.AllowMissing) throw new Domain.Common.NotFoundException("Account", accountId);
        return new DeleteAccountResponse { Deleted = deleted, DeletedContracts = contracts };
    }

    public override async Task<UpsertContractResponse> UpsertContract(
        UpsertContractRequest request, ServerCallContext context)
    {
        var (contract, created) = await store.UpsertContractAsync(
            AccountRequests.Read(request), context.CancellationToken);
        return new UpsertContractResponse { Contract = contract.ToProto(store.CurrentDay), Created = created };
    }

    public override async Task<GetContractResponse> GetContract(GetContractRequest request, ServerCallContext context)
    {
        var contract = await store.GetContractAsync(
            AccountRequests.ReadContractId(request.ContractId), context.CancellationToken);
        return new GetContractResponse { Contract = contract.ToProto(store.CurrentDay) };
    }

    public override async Task<ListContractsResponse> ListContracts(
        ListContractsRequest request, ServerCallContext context)
    {
        var (accountId, pageSize, after, fingerprint) = AccountRequests.Read(request);
        var page = await store.ListContractsAsync(accountId, pageSize, after, context.CancellationToken);
        var today = store.CurrentDay;
        var response = new ListContractsResponse();
        response.Contracts.AddRange(page.Items.Select(c => c.ToProto(today)));
        if (page.HasMore)
        {
            var last = page.Items[^1];
            response.NextPageToken = AccountRequests.NextToken(
                fingerprint, new ContractCursor(last.StartDate, last.Id));
        }
        return response;
    }

    public override async Task<RecordRenewalOutcomeResponse> RecordRenewalOutcome(
        RecordRenewalOutcomeRequest request, ServerCallContext context)
    {
        var (contractId, input) = AccountRequests.Read(request);
        var contract = await store.RecordRenewalOutcomeAsync(contractId, input, context.CancellationToken);
        return new RecordRenewalOutcomeResponse { Contract = contract.ToProto(store.CurrentDay) };
    }

    public override async Task<BatchUpsertAccountsResponse> BatchUpsertAccounts(
        BatchUpsertAccountsRequest request, ServerCallContext context)
    {
        var (valid, rejected) = AccountRequests.ReadBatch(request.Requests, AccountRequests.Read);
        var written = valid.Count == 0 ? [] : await batches.UpsertAccountsAsync(valid, context.CancellationToken);
        var response = new BatchUpsertAccountsResponse();
        response.Results.AddRange(
            BatchResults.ToProto(request.Requests, r => r.Account?.AccountId, [.. rejected, .. written]));
        return response;
    }

    public override async Task<BatchUpsertContractsResponse> BatchUpsertContracts(
        BatchUpsertContractsRequest request, ServerCallContext context)
    {
        var (valid, rejected) = AccountRequests.ReadBatch(request.Requests, AccountRequests.Read);
        var written = valid.Count == 0 ? [] : await batches.UpsertContractsAsync(valid, context.CancellationToken);
        var response = new BatchUpsertContractsResponse();
        response.Results.AddRange(
            BatchResults.ToProto(request.Requests, r => r.Contract?.ContractId, [.. rejected, .. written]));
        return response;
    }

    public override async Task<BatchRecordRenewalOutcomesResponse> BatchRecordRenewalOutcomes(
        BatchRecordRenewalOutcomesRequest request, ServerCallContext context)
    {
        var (valid, rejected) = AccountRequests.ReadBatch(request.Requests, AccountRequests.Read);
        var written = valid.Count == 0 ? []
            : await batches.RecordRenewalOutcomesAsync(valid, context.CancellationToken);
        var response = new BatchRecordRenewalOutcomesResponse();
        response.Results.AddRange(BatchResults.ToProto(request.Requests, r => r.ContractId, [.. rejected, .. written]));
        return response;
    }
}
