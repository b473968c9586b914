namespace CustomerHealth.Domain.Common;

/// <summary>An amount of one currency. Amounts keep at most <see cref="MaxDecimals"/> decimal places.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public const int MaxDecimals = 6;

    /// <summary>
    /// The largest amount stored (a trillion), far above any real ARR and safe in 64-bit micro-units.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static Money Zero(string currency) => new(0m, currency);

    public override string ToString() => $"{Amount:0.######} {Currency}";
}
