using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Accounts;
using CustomerHealth.Server.Grpc;
using CustomerHealth.V1;
using Grpc.Core;
using Model = CustomerHealth.Domain.Renewals;

namespace CustomerHealth.Server.Renewals;

/// <summary>customerhealth.v1.RenewalService: read the request, call the store or the training, map the result.</summary>
public sealed class RenewalGrpcService(RenewalStore store, RenewalTraining training, RenewalModelStore models, RenewalOptions options)
    : RenewalService.RenewalServiceBase
{
    public static readonly string ServiceName = RenewalService.Descriptor.FullName;

    public override async Task<GetRenewalPredictionResponse> GetRenewalPrediction(GetRenewalPredictionRequest request, ServerCallContext context)
    {
        var view = request.TargetCase switch
        {
            GetRenewalPredictionRequest.TargetOneofCase.ContractId =>
                await store.GetByContractAsync(AccountRequests.ReadContractId(request.ContractId), context.CancellationToken),
            GetRenewalPredictionRequest.TargetOneofCase.AccountId =>
                await store.GetByAccountAsync(AccountRequests.ReadAccountId(request.AccountId), context.CancellationToken),
            _ => throw new ValidationException("target", "give account_id or contract_id"),
        };
        return new GetRenewalPredictionResponse { Prediction = view.ToProto(store.Today) };
    }

    public override async Task<ListUpcomingRenewalsResponse> ListUpcomingRenewals(ListUpcomingRenewalsRequest request, ServerCallContext context)
    {
        var v = new Violations().Text("owner", request.Owner, 254);
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        if (request.WithinDays < 0 || request.WithinDays > options.HorizonDays)
            v.Add("within_days", $"must be from 0 to the horizon, {options.HorizonDays} days (0 means the horizon)");
        ProtoConvert.IsDefined(v, "minimum_risk", request.MinimumRisk);
        ProtoConvert.IsDefined(v, "cs_tier", request.CsTier);
        ProtoConvert.IsDefined(v, "order_by", request.OrderBy);
        var filter = new UpcomingRenewalFilter(
            request.WithinDays == 0 ? options.HorizonDays : request.WithinDays,
            request.MinimumRisk == V1.RenewalRisk.Unspecified ? null : (Model.RenewalRisk)request.MinimumRisk,
            request.CsTier == CsTier.Unspecified ? null : AccountMapping.ToDomain(request.CsTier),
            string.IsNullOrWhiteSpace(request.Owner) ? null : request.Owner.Trim());
        var order = request.OrderBy == V1.UpcomingRenewalOrder.Risk ? Infrastructure.Renewals.UpcomingRenewalOrder.Risk : Infrastructure.Renewals.UpcomingRenewalOrder.RenewalDate;
        // The window counts from today, so a token is only good on the day it was issued.
        var fingerprint = string.Create(CultureInfo.InvariantCulture, $"renewals|{filter}|{order}|{store.Today:yyyy-MM-dd}");
        var key = PageToken.Decode(v, request.PageToken, fingerprint, keyParts: 2);
        if (key is not null && !CursorReadable(key[0], order)) v.Add("page_token", "is not a token this service issued");
        v.ThrowIfAny();

        var (items, hasMore) = await store.ListUpcomingAsync(filter, order, pageSize, key is null ? null : new UpcomingRenewalCursor(key[0], key[1]), context.CancellationToken);
        var response = new ListUpcomingRenewalsResponse();
        response.Predictions.AddRange(items.Select(i => i.ToProto(store.Today)));
        if (hasMore) response.NextPageToken = PageToken.Encode(fingerprint, RenewalStore.SortKeyOf(items[^1].Row, order), items[^1].Row.ContractId);
        return response;
    }

    private static bool CursorReadable(string sortKey, Infrastructure.Renewals.UpcomingRenewalOrder order) =>
        order == Infrastructure.Renewals.UpcomingRenewalOrder.Risk
            ? double.TryParse(sortKey, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : DateOnly.TryParseExact(sortKey, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public override async Task<ListPredictionChangesResponse> ListPredictionChanges(ListPredictionChangesRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        if (request.AfterSequence < 0) v.Add("after_sequence", "must not be negative");
        v.ThrowIfAny();
        var page = await store.ListChangesAsync(request.AfterSequence, pageSize, context.CancellationToken);
        var response = new ListPredictionChangesResponse { NextSequence = page.Count > 0 ? page[^1].Sequence : request.AfterSequence };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task<TrainRenewalModelResponse> TrainRenewalModel(TrainRenewalModelRequest request, ServerCallContext context)
    {
        if (request.LeadDays is < 0 or > 365) throw new ValidationException("lead_days", "must be from 0 to 365 (0 means the configured lead)");
        var lead = request.LeadDays == 0 ? options.LeadDays : request.LeadDays;
        var model = await training.TrainAsync(lead, RenewalTraining.AdminTrigger, context.CancellationToken);
        return new TrainRenewalModelResponse { Model = model.ToProto() };
    }

    public override async Task<GetRenewalModelResponse> GetRenewalModel(GetRenewalModelRequest request, ServerCallContext context)
    {
        if (request.Version < 0) throw new ValidationException("version", "must not be negative (0 means the serving model)");
        if (request.Version > 0)
        {
            var model = await models.GetAsync(request.Version, context.CancellationToken)
                ?? throw new NotFoundException("RenewalModel", request.Version.ToString(CultureInfo.InvariantCulture));
            return new GetRenewalModelResponse { Model = model.ToProto() };
        }
        var serving = await models.GetServingAsync(context.CancellationToken);
        if (serving is not null) return new GetRenewalModelResponse { Model = serving.ToProto() };
        var counts = await training.CountOutcomesAsync(options.LeadDays, context.CancellationToken);
        return new GetRenewalModelResponse
        {
            Model = RenewalMapping.Heuristic(options.LeadDays),
            HeuristicReason = training.WhyTooFew(counts) ?? $"no model is trained yet ({counts.Renewals} renewals and {counts.Churns} churns are recorded: enough; train one with TrainRenewalModel, or wait for the automatic training)",
        };
    }

    public override async Task<ListRenewalModelsResponse> ListRenewalModels(ListRenewalModelsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var pageSize = PageToken.ReadPageSize(v, request.PageSize);
        var key = PageToken.Decode(v, request.PageToken, "renewal-models", keyParts: 1);
        int? before = null;
        if (key is not null)
        {
            if (int.TryParse(key[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)) before = version;
            else v.Add("page_token", "is not a token this service issued");
        }
        v.ThrowIfAny();
        var page = await models.ListAsync(pageSize + 1, before, context.CancellationToken);
        var response = new ListRenewalModelsResponse();
        response.Models.AddRange(page.Take(pageSize).Select(m => m.ToProto()));
        if (page.Count > pageSize) response.NextPageToken = PageToken.Encode("renewal-models", page[pageSize - 1].Version.ToString(CultureInfo.InvariantCulture));
        return response;
    }
}
