using CustomerHealth.Infrastructure.Coordination;
using Microsoft.Extensions.Options;

namespace CustomerHealth.Server.Onboarding;

/// <summary>
/// The <c>Onboarding</c> configuration section, checked at start-up by <see cref="OnboardingOptionsValidator"/>.
/// </summary>
public sealed class OnboardingOptions
{
    public const string Section = "Onboarding";

    /// <summary>
    /// How often queued accounts are evaluated: automatic milestones complete within about this long of their events.
    /// </summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many accounts per pass.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>The rules of <see cref="OnboardingOptions"/>; every broken one is reported, each naming its key.</summary>
public sealed class OnboardingOptionsValidator : IValidateOptions<OnboardingOptions>
{
    public ValidateOptionsResult Validate(string? name, OnboardingOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.EvaluationInterval < WorkerIntervals.Minimum)
            result.AddError($"{OnboardingOptions.Section}:{nameof(options.EvaluationInterval)} must be at least 10 ms");
        if (options.BatchSize < 1)
            result.AddError($"{OnboardingOptions.Section}:{nameof(options.BatchSize)} must be at least 1");
        return result.Build();
    }
}
