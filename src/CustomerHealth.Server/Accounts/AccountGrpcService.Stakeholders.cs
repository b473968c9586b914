using CustomerHealth.Domain.Common;
using CustomerHealth.Server.Audit;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Accounts;

/// <summary>The account hierarchy and the stakeholders (docs/api/stakeholders.md).</summary>
public sealed partial class AccountGrpcService
{
    public override async Task<GetAccountHierarchyResponse> GetAccountHierarchy(
        GetAccountHierarchyRequest request, ServerCallContext context)
    {
        var accountId = AccountRequests.ReadAccountId(request.AccountId);
        var tree = await trees.ReadAsync(accountId, context.CancellationToken);
        return tree.ToProto();
    }

    public override async Task<UpsertContactResponse> UpsertContact(
        UpsertContactRequest request, ServerCallContext context)
    {
        var (contact, created) = await contacts.UpsertAsync(AccountRequests.Read(request), context.CancellationToken);
        return new UpsertContactResponse { Contact = contact.ToProto(), Created = created };
    }

    public override async Task<ListContactsResponse> ListContacts(
        ListContactsRequest request, ServerCallContext context)
    {
        var (accountId, role, pageSize, after, fingerprint) = AccountRequests.Read(request);
        var page = await contacts.ListAsync(accountId, role, pageSize, after, context.CancellationToken);
        var response = new ListContactsResponse();
        response.Contacts.AddRange(page.Items.Select(c => c.ToProto()));
        if (page.HasMore) response.NextPageToken = PageToken.Encode(fingerprint, page.Items[^1].Id);
        return response;
    }

    public override async Task<DeleteContactResponse> DeleteContact(
        DeleteContactRequest request, ServerCallContext context)
    {
        var contactId = AccountRequests.ReadContactId(request.ContactId);
        var deleted = await contacts.DeleteAsync(contactId, context.Caller(), context.CancellationToken);
        if (!deleted && !request.AllowMissing) throw new NotFoundException("Contact", contactId);
        return new DeleteContactResponse { Deleted = deleted };
    }
}
