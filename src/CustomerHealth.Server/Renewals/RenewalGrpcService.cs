using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Audit;
using CustomerHealth.V1;
using Grpc.Core;

namespace CustomerHealth.Server.Renewals;

/// <summary>customerhealth.v1.RenewalService: read the request, call the store or the training, map the
/// result.</summary>
public sealed class RenewalGrpcService(RenewalStore store, RenewalTraining training, RenewalModelStore models, RenewalOptions options)
    : Stubs.RenewalService.RenewalServiceBase
{
    public static readonly string ServiceName = RenewalService.Descriptor.FullName;

    public override async Task<GetRenewalPredictionResponse> GetRenewalPrediction(GetRenewalPredictionRequest request, ServerCallContext context)
    {
        var target = RenewalRequests.Read(request);
        var view = target.ContractId is { } contractId
            ? await store.GetByContractAsync(contractId, context.CancellationToken)
            : await store.GetByAccountAsync(target.AccountId!, context.CancellationToken);
        return new GetRenewalPredictionResponse { Prediction = view.ToProto(store.Today) };
    }

    public override async Task<ListUpcomingRenewalsResponse> ListUpcomingRenewals(ListUpcomingRenewalsRequest request, ServerCallContext context)
    {
        var today = store.Today;
        var (filter, order, pageSize, after, fingerprint) = RenewalRequests.Read(request, options.HorizonDays, today);
        var (items, hasMore) = await store.ListUpcomingAsync(filter, order, pageSize, after, context.CancellationToken);
        var response = new ListUpcomingRenewalsResponse();
        response.Predictions.AddRange(items.Select(i => i.ToProto(store.Today)));
        if (hasMore) response.NextPageToken = RenewalRequests.NextToken(fingerprint, items[^1].Row, order);
        return response;
    }

    public override async Task<ListPredictionChangesResponse> ListPredictionChanges(ListPredictionChangesRequest request, ServerCallContext context)
    {
        var (afterSequence, pageSize, segment) = RenewalRequests.Read(request);
        var page = await store.ListChangesAsync(afterSequence, pageSize, segment, context.CancellationToken);
        var next = page.Count > 0 ? page[^1].Sequence : afterSequence;
        var response = new ListPredictionChangesResponse { NextSequence = next };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task<TrainRenewalModelResponse> TrainRenewalModel(TrainRenewalModelRequest request, ServerCallContext context)
    {
        var lead = RenewalRequests.Read(request, options.LeadDays);
        var model = await training.TrainAsync(lead, RenewalTraining.AdminTrigger, context.Caller(), context.CancellationToken);
        return new TrainRenewalModelResponse { Model = model.ToProto() };
    }

    public override async Task<GetRenewalModelResponse> GetRenewalModel(GetRenewalModelRequest request, ServerCallContext context)
    {
        var version = RenewalRequests.Read(request);
        if (version > 0)
        {
            var model = await models.GetAsync(version, context.CancellationToken)
                ?? throw new NotFoundException("RenewalModel", version.ToString(CultureInfo.InvariantCulture));
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
        var (pageSize, before) = RenewalRequests.Read(request);
        var page = await models.ListAsync(pageSize + 1, before, context.CancellationToken);
        var response = new ListRenewalModelsResponse();
        response.Models.AddRange(page.Take(pageSize).Select(m => m.ToProto()));
        if (page.Count > pageSize) response.NextPageToken = RenewalRequests.NextModelsToken(page[pageSize - 1].Version);
        return response;
    }
}
