namespace CustomerHealth.Server.Demo;

/// <summary>
/// Demo mode (<c>Demo:*</c>, or <c>--demo</c> on the command line): fill an empty database with a synthetic portfolio
/// (account ids <c>demo-000001</c> on). The server writes no ground truth; the lab tools make it from the same
/// settings, on the same UTC day:
/// <c>generate --write none --accounts 200 --seed 42 --activity-days 90 --prefix demo-</c>.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public int Accounts { get; set; } = 200;

    /// <summary>Days of usage, NPS, tickets and touchpoints before today (contracts go back two years).</summary>
    public int ActivityDays { get; set; } = 90;

    public int Seed { get; set; } = 42;
}
