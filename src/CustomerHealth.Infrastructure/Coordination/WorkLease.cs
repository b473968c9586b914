namespace CustomerHealth.Infrastructure.Coordination;

/// <summary>
/// One row of <c>work_leases</c>: which replica holds a piece of background work (<see cref="Name"/>) and until when.
/// A holder that stops renewing loses it at <see cref="ExpiresAt"/>, and any other replica may take it then.
/// </summary>
public sealed class WorkLease
{
    public WorkLease(string name, string holder, DateTime expiresAt) =>
        (Name, Holder, ExpiresAt) = (name, holder, expiresAt);

    public string Name { get; private set; }
    public string Holder { get; private set; }
    public DateTime ExpiresAt { get; private set; }

    public const int MaxNameLength = 100;
    public const int MaxHolderLength = 200;
}
