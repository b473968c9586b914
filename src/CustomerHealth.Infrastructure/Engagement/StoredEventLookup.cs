namespace CustomerHealth.Infrastructure.Engagement;

/// <summary>
/// Decides, for one writer, whether it looks for already-stored events before inserting a group. Where the engine
/// allows (<see cref="RollupWriter.CanInsertWithoutLookup"/>), inserting first is cheaper, and a repeat then fails the
/// insert and the group is written again with the lookup. So a writer looks first while it keeps finding repeats (a
/// caller resending batches), and stops after a group that had none. Each writer loop of <see
/// cref="EventIngestionQueue"/> owns one; it is only used by that loop, one group at a time.
/// </summary>
public sealed class StoredEventLookup
{
    /// <summary>True while the writer's latest groups met stored events: look for them before inserting.</summary>
    public bool LookUpFirst { get; private set; }

    /// <summary>An insert without the lookup met a stored event.</summary>
    internal void RepeatFound() => LookUpFirst = true;

    /// <summary>A group written with the lookup found no stored event.</summary>
    internal void NoneFound() => LookUpFirst = false;
}
