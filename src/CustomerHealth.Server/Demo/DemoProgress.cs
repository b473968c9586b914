using CustomerHealth.V1;

namespace CustomerHealth.Server.Demo;

/// <summary>
/// Where the demo portfolio's background load is, for <c>ServiceInfoService.GetServiceInfo</c>: written by
/// <see cref="DemoPortfolioService"/>, read by any call. Outside demo mode it stays <see cref="DemoState.Off"/>.
/// </summary>
public sealed class DemoProgress
{
    private readonly Lock _gate = new();
    private DemoState _state = DemoState.Off;
    private int _written;
    private int _planned;

    /// <summary>Demo mode: a load of <paramref name="accounts"/> accounts is about to begin.</summary>
    public void Loading(int accounts)
    {
        lock (_gate) (_state, _written, _planned) = (DemoState.Loading, 0, accounts);
    }

    /// <summary>One more account of the portfolio is written.</summary>
    public void AccountWritten()
    {
        lock (_gate) _written = Math.Min(_written + 1, _planned);
    }

    public void Complete()
    {
        lock (_gate) (_state, _written) = (DemoState.Complete, _planned);
    }

    /// <summary>The database already held accounts: the demo wrote nothing.</summary>
    public void LeftAlone()
    {
        lock (_gate) (_state, _written, _planned) = (DemoState.LeftAlone, 0, 0);
    }

    public void Failed()
    {
        lock (_gate) _state = DemoState.Failed;
    }

    public DemoStatus Snapshot()
    {
        lock (_gate) return new DemoStatus { State = _state, AccountsWritten = _written, AccountsPlanned = _planned };
    }
}
