using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using ContactRole = CustomerHealth.Domain.Accounts.ContactRole;

namespace CustomerHealth.Server.Accounts;

/// <summary>The hierarchy's and the contacts' requests (docs/api/stakeholders.md).</summary>
public static partial class AccountRequests
{
    public static partial class Limits
    {
        public const int ContactName = ContactDetails.MaxDisplayNameLength;
        public const int ContactEmail = ContactDetails.MaxEmailLength;
        public const int ContactTitle = ContactDetails.MaxTitleLength;

        /// <summary>The bounds of the hierarchy's and the contacts' requests. A property, not a field, like
        /// <see cref="BatchFields"/>.</summary>
        public static IReadOnlyList<FieldLimit> StakeholderFields =>
        [
            FieldLimit.Length<GetAccountHierarchyRequest>("account_id", Id),
            FieldLimit.Length<UpsertContactRequest>("contact.contact_id", Id),
            FieldLimit.Length<UpsertContactRequest>("contact.account_id", Id),
            FieldLimit.Length<UpsertContactRequest>("contact.display_name", ContactName),
            FieldLimit.Length<UpsertContactRequest>("contact.email", ContactEmail),
            FieldLimit.Length<UpsertContactRequest>("contact.title", ContactTitle),
            FieldLimit.Length<UpsertContactRequest>("contact.usage_user_id", Id),
            FieldLimit.Ignored<UpsertContactRequest>("contact.left_date"),
            FieldLimit.Length<ListContactsRequest>("account_id", Id),
            FieldLimit.Length<ListContactsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<DeleteContactRequest>("contact_id", Id),
        ];
    }

    public static ContactDetails Read(UpsertContactRequest request)
    {
        var v = new Violations();
        var contact = request.Contact;
        if (contact is null)
        {
            v.Add("contact", "is required").ThrowIfAny();
        }
        v.Identifier("contact.contact_id", contact!.ContactId)
            .Identifier("contact.account_id", contact.AccountId)
            .Text("contact.display_name", contact.DisplayName, Limits.ContactName, required: true)
            .Text("contact.email", contact.Email, Limits.ContactEmail)
            .Text("contact.title", contact.Title, Limits.ContactTitle)
            .Token("contact.usage_user_id", contact.UsageUserId, optional: true);
        if (contact.Email.Length is > 0 and <= Limits.ContactEmail && !LooksLikeEmail(contact.Email.Trim()))
            v.Add("contact.email", "must be an e-mail address (name@domain)");
        if (ProtoConvert.IsDefined(v, "contact.role", contact.Role) && contact.Role == V1.ContactRole.Unspecified)
            v.Add("contact.role", "is required: CHAMPION, SPONSOR, ADMIN or USER");
        v.ThrowIfAny();
        return new ContactDetails(contact.ContactId, contact.AccountId, contact.DisplayName, contact.Email,
            contact.Title, (ContactRole)contact.Role, contact.UsageUserId, contact.Left);
    }

    public static (string AccountId, ContactRole? Role, int PageSize, string? After, string Fingerprint) Read(
        ListContactsRequest request)
    {
        var v = new Violations();
        v.Identifier("account_id", request.AccountId);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        ProtoConvert.IsDefined(v, "role", request.Role);
        var role = request.Role == V1.ContactRole.Unspecified ? (ContactRole?)null : (ContactRole)request.Role;
        var fingerprint = $"contacts|{request.AccountId}|{role}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 1);
        if (key is not null && !Identifiers.IsValid(key[0])) v.Add("page_token", PageToken.NotIssuedHere);
        v.ThrowIfAny();
        return (request.AccountId, role, pageSize, key?[0], fingerprint);
    }

    public static string ReadContactId(string contactId, string field = "contact_id")
    {
        new Violations().Identifier(field, contactId).ThrowIfAny();
        return contactId;
    }

    /// <summary>The optional parent of an upserted account: an account id other than the account's own.</summary>
    private static void ReadParent(Violations v, V1.Account account)
    {
        if (string.IsNullOrEmpty(account.ParentAccountId)) return;
        var before = v.Items.Count;
        v.Identifier("account.parent_account_id", account.ParentAccountId);
        if (v.Items.Count == before && account.ParentAccountId == account.AccountId)
            v.Add("account.parent_account_id", "must not be the account itself");
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@');
        return at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace);
    }
}
