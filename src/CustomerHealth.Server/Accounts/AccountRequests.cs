using CustomerHealth.Domain.Accounts;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;

namespace CustomerHealth.Server.Accounts;

/// <summary>
/// Reads each v1 request into domain input, checking every field rule first and reporting all violations at once
/// (INVALID_ARGUMENT with field paths as the caller names them), so a bad request writes nothing.
/// </summary>
public static partial class AccountRequests
{
    /// <summary>The bounds of the caller-controlled fields of the account service.</summary>
    public static partial class Limits
    {
        public const int Id = Identifiers.MaxLength;
        public const int DisplayName = AccountDetails.MaxDisplayNameLength;
        public const int Segment = AccountDetails.MaxSegmentLength;
        public const int Owner = AccountDetails.MaxOwnerLength;
        public const int RenewalNote = RenewalOutcomeInput.MaxNoteLength;
        public const int CurrencyCode = 3;

        /// <summary>The bounds as a table, by request message and field path (see <see
        /// cref="RequestLimits"/>).</summary>
        public static readonly IReadOnlyList<FieldLimit> Fields =
        [
            FieldLimit.Length<UpsertAccountRequest>("account.account_id", Id),
            FieldLimit.Length<UpsertAccountRequest>("account.display_name", DisplayName),
            FieldLimit.Length<UpsertAccountRequest>("account.segment", Segment),
            FieldLimit.Length<UpsertAccountRequest>("account.owner", Owner),
            FieldLimit.Length<UpsertAccountRequest>("account.parent_account_id", Id),
            FieldLimit.Length<GetAccountRequest>("account_id", Id),
            FieldLimit.Length<GetAccountOverviewRequest>("account_id", Id),
            FieldLimit.Length<ListAccountsRequest>("owner", Owner),
            FieldLimit.Length<ListAccountsRequest>("segment", Segment),
            FieldLimit.Length<ListAccountsRequest>("parent_account_id", Id),
            FieldLimit.Length<ListAccountsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<DeleteAccountRequest>("account_id", Id),
            FieldLimit.Length<UpsertContractRequest>("contract.contract_id", Id),
            FieldLimit.Length<UpsertContractRequest>("contract.account_id", Id),
            FieldLimit.Length<UpsertContractRequest>("contract.arr.currency_code", CurrencyCode),
            FieldLimit.Ignored<UpsertContractRequest>("contract.renewal_outcome"),
            FieldLimit.Length<GetContractRequest>("contract_id", Id),
            FieldLimit.Length<ListContractsRequest>("account_id", Id),
            FieldLimit.Length<ListContractsRequest>("page_token", PageToken.MaxTokenLength),
            FieldLimit.Length<RecordRenewalOutcomeRequest>("contract_id", Id),
            FieldLimit.Length<RecordRenewalOutcomeRequest>("renewal_contract_id", Id),
            FieldLimit.Length<RecordRenewalOutcomeRequest>("new_arr.currency_code", CurrencyCode),
            FieldLimit.Length<RecordRenewalOutcomeRequest>("note", RenewalNote),
        ];
    }

    public static AccountDetails Read(UpsertAccountRequest request)
    {
        var v = new Violations();
        var account = request.Account;
        if (account is null)
        {
            v.Add("account", "is required").ThrowIfAny();
        }
        v.Identifier("account.account_id", account!.AccountId)
            .Text("account.display_name", account.DisplayName, Limits.DisplayName, required: true)
            .Text("account.segment", account.Segment, Limits.Segment)
            .Text("account.owner", account.Owner, Limits.Owner);
        ProtoConvert.IsDefined(v, "account.cs_tier", account.CsTier);
        ReadParent(v, account);
        v.ThrowIfAny();
        return new AccountDetails(
            account.AccountId, account.DisplayName, account.Segment, AccountMapping.ToDomain(account.CsTier),
            account.Owner, string.IsNullOrEmpty(account.ParentAccountId) ? null : account.ParentAccountId);
    }

    public static string ReadAccountId(string accountId, string field = "account_id")
    {
        new Violations().Identifier(field, accountId).ThrowIfAny();
        return accountId;
    }

    public static string ReadContractId(string contractId, string field = "contract_id")
    {
        new Violations().Identifier(field, contractId).ThrowIfAny();
        return contractId;
    }

    /// <summary>Reads a listing; the filter's tree is the id in <c>Tree</c>, for the caller to resolve.</summary>
    public static (AccountFilter Filter, string? Tree, int PageSize, string? After, string Fingerprint) Read(
        ListAccountsRequest request)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        v.Text("owner", request.Owner, Limits.Owner).Text("segment", request.Segment, Limits.Segment)
            .Identifier("parent_account_id", request.ParentAccountId, optional: true);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        var filter = new AccountFilter(
            request.CsTier == V1.CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim(),
            string.IsNullOrWhiteSpace(request.Segment) ? null : request.Segment.Trim());
        var tree = string.IsNullOrEmpty(request.ParentAccountId) ? null : request.ParentAccountId;
        // A tree's token only pages that tree (the parent's id, quoted, cannot collide with the other parts).
        var fingerprint = $"accounts|{filter.Tier}|{filter.Owner}|{filter.Segment}"
            + (tree is null ? "" : $"|tree:{tree}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 1);
        v.ThrowIfAny();
        return (filter, tree, pageSize, key?[0], fingerprint);
    }

    public static ContractTerms Read(UpsertContractRequest request)
    {
        var v = new Violations();
        var contract = request.Contract;
        if (contract is null)
        {
            v.Add("contract", "is required").ThrowIfAny();
        }
        v.Identifier("contract.contract_id", contract!.ContractId)
            .Identifier("contract.account_id", contract.AccountId);
        var arr = ProtoConvert.ReadMoney(v, "contract.arr", contract.Arr, required: true);
        if (contract.Seats < 0) v.Add("contract.seats", "must be zero or more");
        var start = ProtoConvert.ReadDate(v, "contract.start_date", contract.StartDate, required: true);
        var end = ProtoConvert.ReadDate(v, "contract.end_date", contract.EndDate, required: true);
        if (start is { } s && end is { } e && e <= s) v.Add(
            "contract.end_date", $"must be after start_date {s:yyyy-MM-dd} (got {e:yyyy-MM-dd})");
        v.ThrowIfAny();
        return new ContractTerms(
            contract.ContractId, contract.AccountId, arr!.Value, contract.Seats, start!.Value, end!.Value);
    }

    public static (string AccountId, int PageSize, ContractCursor? After, string Fingerprint) Read(
        ListContractsRequest request)
    {
        var v = new Violations();
        v.Identifier("account_id", request.AccountId);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var fingerprint = $"contracts|{request.AccountId}";
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        ContractCursor? after = null;
        if (key is not null)
        {
            if (PageToken.TryReadDay(key[0], out var startDate) && Identifiers.IsValid(key[1]))
                after = new ContractCursor(startDate, key[1]);
            else
                v.Add("page_token", PageToken.NotIssuedHere);
        }
        v.ThrowIfAny();
        return (request.AccountId, pageSize, after, fingerprint);
    }

    public static string NextToken(string fingerprint, ContractCursor last) =>
        PageToken.Encode(fingerprint, PageToken.FormatDay(last.StartDate), last.ContractId);

    public static (string ContractId, RenewalOutcomeInput Input) Read(RecordRenewalOutcomeRequest request)
    {
        var v = new Violations();
        v.Identifier("contract_id", request.ContractId)
            .Identifier("renewal_contract_id", request.RenewalContractId, optional: true);
        if (ProtoConvert.IsDefined(v, "kind", request.Kind) && request.Kind == V1.RenewalOutcomeKind.Unspecified)
            v.Add("kind", "is required: RENEWAL_OUTCOME_KIND_RENEWED or RENEWAL_OUTCOME_KIND_CHURNED");
        var newArr = ProtoConvert.ReadMoney(
            v, "new_arr", request.NewArr, required: request.Kind == V1.RenewalOutcomeKind.Renewed);
        var decisionDate = ProtoConvert.ReadDate(v, "decision_date", request.DecisionDate, required: false);
        v.Text("note", request.Note, Limits.RenewalNote, multiline: true);
        v.ThrowIfAny();
        var kind = (Domain.Accounts.RenewalOutcomeKind)request.Kind;
        return (request.ContractId,
            new RenewalOutcomeInput(kind, newArr, decisionDate, request.RenewalContractId, request.Note));
    }
}
