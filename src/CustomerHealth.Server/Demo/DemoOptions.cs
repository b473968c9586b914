namespace CustomerHealth.Server.Demo;

/// <summary>Demo mode (<c>Demo:*</c>, or <c>--demo</c> on the command line): fill an empty database with a synthetic portfolio.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public int Accounts { get; set; } = 200;

    /// <summary>Days of usage, NPS, tickets and touchpoints before today (contracts go back two years).</summary>
    public int ActivityDays { get; set; } = 90;

    public int Seed { get; set; } = 42;

    /// <summary>Where the ground truth of the demo portfolio is written (relative to the working folder).</summary>
    public string TruthFolder { get; set; } = "data/demo-truth";
}
