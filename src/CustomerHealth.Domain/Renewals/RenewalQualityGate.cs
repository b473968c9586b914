using System.Globalization;

namespace CustomerHealth.Domain.Renewals;

/// <summary>
/// One holdout outcome as the gate sees it: the trained model's probability, the score-only prior's, and the serving
/// model's (null when no model serves, or when the serving model could not be asked about this outcome).
/// </summary>
public readonly record struct GateCase(double Model, double Prior, double? Serving, bool Renewed);

/// <summary>What the gate decided, why (one sentence per check that failed, or the figures it passed on), and the
/// serving
/// model's figures on the same holdout when one served.</summary>
public sealed record GateDecision(bool Passed, string Reason, RenewalMetrics? Serving);

/// <summary>
/// The quality gate a trained renewal model passes before it serves. On its time-ordered holdout it must
/// <list type="number">
/// <item>hold at least <see cref="MinimumHoldoutPerClass"/> renewals and as many churns: with fewer, the AUC's standard
/// error (Hanley–McNeil) is 0.1 or more and the gate could not tell a good model from a lucky one;</item>
/// <item>rank better than the score-only prior: AUC at least <see cref="AucMargin"/> above the prior's on the same
/// outcomes (point estimates; the 95 % intervals are reported beside them, see <see cref="AucConfidence"/>);</item>
/// <item>rank better than the serving model, when one serves, by the same margin, on the holdout outcomes the serving
/// model could be asked about;</item>
/// <item>be calibrated: in every decile of predicted probability with at least <see cref="MinimumJudgedDecile"/>
/// outcomes, |mean predicted − observed rate| at most <see cref="CalibrationTolerance"/> + <see cref="CalibrationZ"/> ·
/// √(p̄(1 − p̄)/n), p̄ the decile's mean prediction: the tolerance the model is held to plus the binomial noise of the
/// observed rate of n outcomes if the predictions were exactly right (with z = 3, a well-calibrated model is refused by
/// chance alone in one of ten deciles about 3 % of the time). Smaller deciles are not judged.</item>
/// </list>
/// Pure: the caller reads the outcomes and decides what to do with a refused model (keep it as a candidate).
/// </summary>
public static class RenewalQualityGate
{
    public const double AucMargin = 0.01;
    public const int MinimumHoldoutPerClass = 10;
    public const int MinimumJudgedDecile = 30;
    public const double CalibrationTolerance = 0.05;
    public const double CalibrationZ = 3.0;

    /// <summary>The largest gap allowed in a decile: see the class summary.</summary>
    public static double CalibrationBound(CalibrationBin bin) =>
        CalibrationTolerance
        + CalibrationZ * Math.Sqrt(bin.MeanPredicted * (1 - bin.MeanPredicted) / Math.Max(1, bin.Count));

    /// <param name="holdout">The holdout outcomes.</param>
    /// <param name="servingVersion">The serving model's version, or null when the heuristic serves.</param>
    public static GateDecision Decide(IReadOnlyList<GateCase> holdout, int? servingVersion)
    {
        var failures = new List<string>();
        var renewals = holdout.Count(c => c.Renewed);
        var churns = holdout.Count - renewals;
        const int least = MinimumHoldoutPerClass;
        if (renewals < least || churns < least)
        {
            failures.Add(Text($"the holdout holds {renewals} renewals and {churns} churns; ")
                + Text($"judging a model takes at least {least} of each"));
        }
        var model = RenewalEvaluation.Evaluate(holdout.Select(c => (c.Model, c.Renewed)).ToArray());
        var prior = RenewalEvaluation.Evaluate(holdout.Select(c => (c.Prior, c.Renewed)).ToArray());
        var passes = new List<string> { Text($"holdout AUC {Describe(model)}") };
        if (Compare(model, prior, "the score-only prior") is { } priorFailure) failures.Add(priorFailure);
        else passes.Add(Text($"beats the score-only prior's {F(prior.Auc)} by at least {AucMargin}"));

        RenewalMetrics? serving = null;
        if (servingVersion is { } version)
        {
            var asked = holdout.Where(c => c.Serving is not null).ToArray();
            serving = RenewalEvaluation.Evaluate(asked.Select(c => (c.Serving!.Value, c.Renewed)).ToArray());
            var same = RenewalEvaluation.Evaluate(asked.Select(c => (c.Model, c.Renewed)).ToArray());
            var name = Text($"serving model {version}");
            if (Compare(same, serving, name) is { } servingFailure) failures.Add(servingFailure);
            else passes.Add(Text($"beats {name}'s {F(serving.Auc)} on the same {asked.Length} outcomes"));
        }

        var judged = model.Calibration.Where(b => b.Count >= MinimumJudgedDecile).ToArray();
        failures.AddRange(judged.Where(b => b.Gap > CalibrationBound(b)).Select(Miscalibrated));
        if (failures.Count == 0)
        {
            const int decile = MinimumJudgedDecile;
            passes.Add(judged.Length == 0
                ? Text($"no decile holds {decile} outcomes, so calibration was not judged")
                : Text($"calibrated within bounds on the {judged.Length} deciles of at least {decile} outcomes"));
        }
        return failures.Count == 0
            ? new GateDecision(true, "Passed the quality gate: " + string.Join("; ", passes) + ".", serving)
            : new GateDecision(false, "Held back as a candidate: " + string.Join("; ", failures) + ".", serving);
    }

    private static string Miscalibrated(CalibrationBin bin)
    {
        var (lower, upper, bound) = (bin.Lower, bin.Upper, CalibrationBound(bin));
        return Text($"the decile {lower:0.0}-{upper:0.0} ({bin.Count} outcomes) predicts {bin.MeanPredicted:0.000} ")
            + Text($"but {bin.ObservedRate:0.000} renewed, a gap above its bound {bound:0.000}");
    }

    /// <summary>
    /// Why <paramref name="model"/> does not beat <paramref name="other"/> by the margin, or null when it does.
    /// </summary>
    private static string? Compare(RenewalMetrics model, RenewalMetrics other, string name)
    {
        if (model.Auc is not { } auc)
            return Text($"the model's AUC against {name} cannot be measured: the outcomes lack a renewal or a churn");
        if (other.Auc is { } otherAuc && auc < otherAuc + AucMargin)
            return Text($"its AUC {Describe(model)} does not beat {name}'s {Describe(other)} by {AucMargin}");
        return null;
    }

    private static string Describe(RenewalMetrics m) =>
        m.AucInterval is { } i ? Text($"{F(m.Auc)} (95% CI {F(i.Lower)}-{F(i.Upper)})") : F(m.Auc);

    private static string F(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "n/a";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
