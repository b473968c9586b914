namespace CustomerHealth.Synthetic;

/// <summary>Made-up names for generated accounts, people and notes.</summary>
internal static class Names
{
    public static readonly string[] CompanyFirst =
        ["Northwind", "Bluefin", "Cedar", "Harbor", "Quartz", "Juniper", "Summit", "Lumen", "Copper", "Meridian",
            "Falcon", "Orchard", "Granite", "Tidal", "Aster", "Beacon"];

    public static readonly string[] CompanySecond =
        ["Analytics", "Logistics", "Health", "Labs", "Foods", "Robotics", "Finance", "Studios", "Energy", "Retail",
            "Systems", "Travel"];

    public static readonly string[] HighTouchCsms =
        ["ava.chen@example.com", "marcus.obi@example.com", "lena.kovacs@example.com", "raj.mehta@example.com",
            "sofia.ruiz@example.com", "tom.berg@example.com"];

    public static readonly string[] PooledCsms =
        ["pool.amer@example.com", "pool.emea@example.com", "pool.apac@example.com", "pool.latam@example.com"];

    public const string ScaleTeam = "scale-team@example.com";

    public static readonly string[] ChurnReasons =
        ["Moved to a competitor", "Budget cut", "Champion left the company", "Never fully adopted", "Company acquired",
            "Product gaps"];

    public static readonly string[] TicketSubjects =
        ["Export is slow", "Cannot sign in with SSO", "Dashboard shows stale data", "Integration sync failed",
            "Billing question", "Permission error on reports", "API rate limit reached"];

    public static readonly string[] NpsComments =
        ["", "", "Great support team", "Reports save us hours", "Too expensive for what we use", "Hard to set up",
            "Missing integrations we need", "Love the dashboards"];
}
