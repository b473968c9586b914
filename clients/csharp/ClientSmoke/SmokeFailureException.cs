namespace CustomerHealth.ClientSmoke;

/// <summary>An answer that came back but is not what the demo portfolio must give.</summary>
internal sealed class SmokeFailureException(string message) : Exception(message);
