namespace CustomerHealth.Fuzz;

/// <summary>
/// The ids of the accounts and contracts a run stores first (<see cref="FuzzSeeding"/>), so that generated requests
/// name existing rows and reach the code behind the lookups, not only the NOT_FOUND answers.
/// </summary>
public sealed class FuzzIds(int accounts = 4)
{
    public int Count { get; } = accounts;

    public string Account(int index) => $"fuzz-account-{index % Count}";

    public string Contract(int index) => $"fuzz-contract-{index % Count}";

    public string User(int index) => $"fuzz-user-{index % (Count * 3)}";
}
