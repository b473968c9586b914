using System.Globalization;
using CustomerHealth.Domain.Common;
using CustomerHealth.Domain.Metrics;
using CustomerHealth.Infrastructure.Accounts;
using CustomerHealth.Infrastructure.Currency;
using CustomerHealth.Infrastructure.Renewals;
using CustomerHealth.Server.Audit;
using CustomerHealth.V1;
using Grpc.Core;
using Forecast = CustomerHealth.Domain.Renewals.RenewalForecast;

namespace CustomerHealth.Server.Renewals;

/// <summary>customerhealth.v1.RenewalService: read the request, call the store or the training, map the
/// result.</summary>
public sealed class RenewalGrpcService(
    RenewalStore store, RenewalTraining training, RenewalModelStore models, RenewalHoldoutReader holdout,
    RenewalOptions options, ExchangeRateStore rates, AccountTrees trees)
    : Stubs.RenewalService.RenewalServiceBase
{
    public static readonly string ServiceName = RenewalService.Descriptor.FullName;

    public override async Task<GetRenewalPredictionResponse> GetRenewalPrediction(
        GetRenewalPredictionRequest request, ServerCallContext context)
    {
        var target = RenewalRequests.Read(request);
        var view = target.ContractId is { } contractId
            ? await store.GetByContractAsync(contractId, context.CancellationToken)
            : await store.GetByAccountAsync(target.AccountId!, context.CancellationToken);
        return new GetRenewalPredictionResponse { Prediction = view.ToProto(store.Today) };
    }

    public override async Task<ListUpcomingRenewalsResponse> ListUpcomingRenewals(
        ListUpcomingRenewalsRequest request, ServerCallContext context)
    {
        var today = store.Today;
        var (filter, order, pageSize, after, fingerprint) = RenewalRequests.Read(request, options.HorizonDays, today);
        filter = await WithTreeAsync(filter, context.CancellationToken);
        var (items, hasMore) = await store.ListUpcomingAsync(filter, order, pageSize, after, context.CancellationToken);
        var response = new ListUpcomingRenewalsResponse();
        response.Predictions.AddRange(items.Select(i => i.ToProto(store.Today)));
        if (hasMore) response.NextPageToken = RenewalRequests.NextToken(fingerprint, items[^1].Row, order);
        return response;
    }

    public override async Task<ListPredictionChangesResponse> ListPredictionChanges(
        ListPredictionChangesRequest request, ServerCallContext context)
    {
        var (afterSequence, pageSize, segment) = RenewalRequests.Read(request);
        var page = await store.ListChangesAsync(afterSequence, pageSize, segment, context.CancellationToken);
        var next = page.Count > 0 ? page[^1].Sequence : afterSequence;
        var response = new ListPredictionChangesResponse { NextSequence = next };
        response.Changes.AddRange(page.Select(c => c.ToProto()));
        return response;
    }

    public override async Task<TrainRenewalModelResponse> TrainRenewalModel(TrainRenewalModelRequest request,
        ServerCallContext context)
    {
        var lead = RenewalRequests.Read(request, options.LeadDays);
        var model = await training.TrainAsync(training.PlanWithLead(lead), RenewalTraining.AdminTrigger,
            context.Caller(), context.CancellationToken);
        return new TrainRenewalModelResponse { Model = model.ToProto() };
    }

    public override async Task<GetRenewalModelResponse> GetRenewalModel(GetRenewalModelRequest request,
        ServerCallContext context)
    {
        var version = RenewalRequests.Read(request);
        if (version > 0)
        {
            var model = await models.GetAsync(version, context.CancellationToken)
                ?? throw new NotFoundException("RenewalModel", version.ToString(CultureInfo.InvariantCulture));
            return new GetRenewalModelResponse { Model = model.ToProto() };
        }
        var serving = await models.GetServingAsync(context.CancellationToken);
        if (serving is { Detail.ServableByThisBuild: true })
            return new GetRenewalModelResponse { Model = serving.ToProto() };
        if (serving is not null)
        {
            return new GetRenewalModelResponse
            {
                Model = RenewalMapping.Heuristic(options.LeadDays),
                HeuristicReason = $"{ServingRenewalModel.UnknownFeatures(serving.Version, serving.Detail)} The " +
                    "heuristic serves in its place until a model trained by this build passes the quality gate " +
                    "(automatic training retrains at once).",
            };
        }
        return new GetRenewalModelResponse
        {
            Model = RenewalMapping.Heuristic(options.LeadDays),
            HeuristicReason = await WhyHeuristicAsync(context.CancellationToken),
        };
    }

    /// <summary>Why the heuristic serves: too few outcomes, no model trained yet, or no stored model serves.</summary>
    private async Task<string> WhyHeuristicAsync(CancellationToken ct)
    {
        var counts = await training.CountOutcomesAsync(options.LeadDays, ct);
        if ((await models.ListAsync(1, null, ct)).FirstOrDefault() is { } newest)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"none of the stored models serves (the heuristic was chosen with ServeRenewalModel, or no model " +
                $"passed the quality gate); the newest, version {newest.Version}: " +
                $"{newest.Detail.GateReason ?? "no gate reason recorded"}");
        }
        return training.WhyTooFew(counts)
            ?? $"no model is trained yet ({counts.Renewals} renewals and {counts.Churns} churns are recorded: " +
                $"enough; train one with TrainRenewalModel, or wait for the automatic training)";
    }

    public override async Task<ServeRenewalModelResponse> ServeRenewalModel(ServeRenewalModelRequest request,
        ServerCallContext context)
    {
        var version = RenewalRequests.Read(request);
        var previous = await training.ServeAsync(version, context.Caller(), context.CancellationToken);
        var serving = version == 0 ? null : await models.GetAsync(version, context.CancellationToken);
        return new ServeRenewalModelResponse
        {
            Model = serving?.ToProto() ?? RenewalMapping.Heuristic(options.LeadDays),
            PreviousVersion = previous,
        };
    }

    public override async Task<ListRenewalHoldoutResponse> ListRenewalHoldout(ListRenewalHoldoutRequest request,
        ServerCallContext context)
    {
        var query = RenewalRequests.Read(request);
        var page = query is { Start: { } start, End: { } end }
            ? await holdout.BacktestAsync(query.Version, start, end, query.After, query.PageSize,
                context.CancellationToken)
            : await holdout.ListStoredAsync(query.Version, query.After, query.PageSize, context.CancellationToken);
        var response = new ListRenewalHoldoutResponse { ModelVersion = page.Version, LeadDays = page.LeadDays };
        response.Rows.AddRange(page.Rows.Select(r => r.ToProto()));
        if (page.Next is { } next) response.NextPageToken = RenewalRequests.NextHoldoutToken(query.Fingerprint, next);
        return response;
    }

    public override async Task<ListRenewalModelsResponse> ListRenewalModels(ListRenewalModelsRequest request,
        ServerCallContext context)
    {
        var (pageSize, before) = RenewalRequests.Read(request);
        var page = await models.ListAsync(pageSize + 1, before, context.CancellationToken);
        var response = new ListRenewalModelsResponse();
        response.Models.AddRange(page.Take(pageSize).Select(m => m.ToProto()));
        if (page.Count > pageSize) response.NextPageToken = RenewalRequests.NextModelsToken(page[pageSize - 1].Version);
        return response;
    }

    public override async Task<GetRenewalForecastResponse> GetRenewalForecast(GetRenewalForecastRequest request,
        ServerCallContext context)
    {
        var today = store.Today;
        var filter = await WithTreeAsync(RenewalRequests.Read(request, options.HorizonDays), context.CancellationToken);
        var table = await rates.CurrentAsync(context.CancellationToken);
        var lines = await store.ListForecastLinesAsync(filter, context.CancellationToken);
        var conversion = table.Version == 0 ? null : new CurrencyConversion(table.ReportingCurrency, table.Rates);
        var forecast = Forecast.Compute(
            lines, options.ForecastCommitProbability, conversion, table.ReportingCurrency);
        return new GetRenewalForecastResponse
        {
            Forecast = forecast.ToProto(today, today.AddDays(filter.WithinDays)),
            ExchangeRatesVersion = table.Version,
        };
    }

    /// <summary>The filter with its tree's accounts, when it names a tree (NOT_FOUND when its top account does not
    /// exist).</summary>
    private async Task<UpcomingRenewalFilter> WithTreeAsync(UpcomingRenewalFilter filter, CancellationToken ct)
    {
        if (filter.Tree is not { } tree) return filter;
        var members = await trees.MembersAsync(tree, ct);
        return filter with { AccountIds = members.Select(m => m.AccountId).ToArray() };
    }
}
