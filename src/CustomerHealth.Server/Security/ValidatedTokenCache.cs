using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Security;

/// <summary>
/// Bearer tokens that passed validation, keyed by the exact token text, so that a caller's next calls with the same
/// token skip the parse and the signature check (ADR 0076). Only valid tokens are kept; an entry is served until the
/// token's <c>exp</c> (the clock skew is not granted again) or <see cref="MaxAge"/> after it was validated, whichever
/// comes first, and only while the key that signed the token is still among the keys the validation trusts. At most
/// <see cref="Capacity"/> entries: when full, expired entries are swept (at most once a second) and a new token that
/// still finds no room is validated every time, not kept.
/// </summary>
public sealed class ValidatedTokenCache(int capacity, TimeSpan maxAge, TimeProvider clock)
{
    /// <summary>
    /// Tokens longer than this (characters) are never kept: they would make the bound on memory loose.
    /// </summary>
    public const int MaxTokenLength = 4096;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _count;
    private long _lastSweepTicks;

    public int Capacity { get; } = capacity;

    public TimeSpan MaxAge { get; } = maxAge;

    /// <summary>The entries kept now (expired ones included until a sweep or a lookup removes them).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// A fresh result for <paramref name="token"/> when it is kept, unexpired, and its signing key is still trusted by
    /// <paramref name="parameters"/>; each call gets its own copy of the identity.
    /// </summary>
    public async ValueTask<TokenValidationResult?> TryGetAsync(string token, TokenValidationParameters parameters)
    {
        if (!_entries.TryGetValue(token, out var entry)) return null;
        if (entry.ExpiresAt <= clock.GetUtcNow() || !await SigningKeyStillTrustedAsync(entry.SigningKey, parameters))
        {
            Remove(token, entry);
            return null;
        }
        return new TokenValidationResult
        {
            IsValid = true,
            SecurityToken = entry.Token,
            ClaimsIdentity = entry.Identity.Clone(),
            Issuer = entry.Issuer,
            TokenType = entry.TokenType,
        };
    }

    /// <summary>Keeps a valid <paramref name="result"/> of <paramref name="token"/> when there is room.</summary>
    public void Add(string token, TokenValidationResult result)
    {
        if (!result.IsValid || token.Length > MaxTokenLength || result.SecurityToken is not { SigningKey: { } key }
            || result.ClaimsIdentity is not { } identity) return;
        var now = clock.GetUtcNow();
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc));
        if (result.SecurityToken.ValidTo == DateTime.MinValue || expiresAt > now + MaxAge) expiresAt = now + MaxAge;
        if (expiresAt <= now) return;
        if (Count >= Capacity && !SweepExpired(now)) return;
        var entry = new Entry(result.SecurityToken, identity.Clone(), key, result.Issuer, result.TokenType, expiresAt);
        if (_entries.TryAdd(token, entry)) Interlocked.Increment(ref _count);
        // Kept already (validated again by a concurrent call): the newer entry replaces it, the count unchanged.
        else if (_entries.TryGetValue(token, out var kept)) _entries.TryUpdate(token, entry, kept);
    }

    /// <summary>
    /// Removes the expired entries, unless a sweep ran less than a second ago; true when there is room.
    /// </summary>
    private bool SweepExpired(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last >= SweepInterval.Ticks
            && Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) == last)
            foreach (var (token, entry) in _entries)
                if (entry.ExpiresAt <= now) Remove(token, entry);
        return Count < Capacity;
    }

    private void Remove(string token, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(token, entry))) Interlocked.Decrement(ref _count);
    }

    /// <summary>
    /// The key must still be one the validation would use: the configured key or keys, or those of the identity
    /// provider's current configuration (a refreshed configuration brings new key objects, so every entry is
    /// validated again once after a refresh, and a key the provider dropped is not honoured from the cache).
    /// </summary>
    private static async ValueTask<bool> SigningKeyStillTrustedAsync(SecurityKey key, TokenValidationParameters p)
    {
        if (ReferenceEquals(p.IssuerSigningKey, key)) return true;
        if (p.IssuerSigningKeys is { } keys && keys.Any(k => ReferenceEquals(k, key))) return true;
        if (p.ConfigurationManager is null) return false;
        var configuration = await p.ConfigurationManager.GetBaseConfigurationAsync(CancellationToken.None);
        return configuration?.SigningKeys.Any(k => ReferenceEquals(k, key)) == true;
    }

    private sealed record Entry(SecurityToken Token, ClaimsIdentity Identity, SecurityKey SigningKey, string? Issuer,
        string? TokenType, DateTimeOffset ExpiresAt);
}

/// <summary>
/// The bearer scheme's token handler with <see cref="ValidatedTokenCache"/> in front: a kept token is answered from
/// the cache, anything else is validated by <paramref name="inner"/> (and kept when valid).
/// </summary>
public sealed class CachingTokenHandler(TokenHandler inner, ValidatedTokenCache cache) : TokenHandler
{
    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(
        string token, TokenValidationParameters validationParameters)
    {
        if (await cache.TryGetAsync(token, validationParameters) is { } kept) return kept;
        var result = await inner.ValidateTokenAsync(token, validationParameters);
        cache.Add(token, result);
        return result;
    }

    public override Task<TokenValidationResult> ValidateTokenAsync(
        SecurityToken token, TokenValidationParameters validationParameters) =>
        inner.ValidateTokenAsync(token, validationParameters);

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);
}
