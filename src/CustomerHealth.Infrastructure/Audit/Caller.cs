using CustomerHealth.Domain.Common;

namespace CustomerHealth.Infrastructure.Audit;

/// <summary>How a caller proved who it is (values match the contract's <c>CallerKind</c>).</summary>
public enum CallerKind
{
    Unspecified = 0,
    Token = 1,
    Certificate = 2,
    UnauthenticatedLoopback = 3,
    Service = 4,
    Unverified = 5,
}

/// <summary>
/// Who makes a change: the authenticated identity (a token's subject, a certificate's subject), how it was proven, the
/// person a service says it acts for, and the RPC. Audited writes take one, so the identity a store records is always
/// the
/// one authentication established, never a name the request supplied.
/// </summary>
public sealed record Caller
{
    /// <summary>Identities and on-behalf-of values are kept to this length (an e-mail address's maximum).</summary>
    public const int MaxLength = PersonNames.MaxLength;

    public Caller(string identity, CallerKind kind, string? onBehalfOf = null, string? rpc = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identity);
        // A certificate's distinguished name can be longer than a column holds: keep its start, marked as cut.
        Identity = identity.Length <= MaxLength ? identity : identity[..(MaxLength - 1)] + "…";
        Kind = kind;
        OnBehalfOf = string.IsNullOrWhiteSpace(onBehalfOf) ? null : onBehalfOf.Trim();
        Rpc = string.IsNullOrEmpty(rpc) ? null : rpc;
    }

    public string Identity { get; }
    public CallerKind Kind { get; }
    public string? OnBehalfOf { get; }

    /// <summary>The gRPC method (<c>customerhealth.v1.HealthService/ReplaceScorecard</c>); null for the service's own
    /// work.</summary>
    public string? Rpc { get; }

    /// <summary>The service itself, for work a background worker does on its own (named after the worker).</summary>
    public static Caller Service(string worker) => new(worker, CallerKind.Service);
}
