using System.Security.Cryptography;
using System.Text;
using CustomerHealth.Server.Security;
using CustomerHealth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CustomerHealth.Server.Tests.Security;

/// <summary>
/// The cache of validated bearer tokens (ADR 0076) on its own: a real token handler behind it, counted, and a clock
/// moved by hand for the cache's own expiry.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task AValidTokenIsValidatedOnceThenServedFromTheCacheWithItsOwnIdentity()
    {
        var handler = Handler();
        var token = Token(_clock.GetUtcNow().AddHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Validations);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("caller", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(Scopes.Read, second.ClaimsIdentity.FindFirst("scope")?.Value);
    }

    [Fact]
    public async Task ATamperedTokenIsNeverServedFromTheCache()
    {
        var handler = Handler();
        var token = Token(_clock.GetUtcNow().AddHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace(Scopes.Read, Scopes.Admin, StringComparison.Ordinal);
        var otherPayload = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var otherSignature = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(new byte[64])}";

        foreach (var tampered in new[] { otherPayload, otherSignature, token + "x", token[..^1] })
        {
            var result = await handler.ValidateTokenAsync(tampered, Parameters());
            Assert.False(result.IsValid, tampered);
        }

        Assert.Equal(5, _inner.Validations);
        Assert.Equal(1, Cache().Count);
    }

    [Fact]
    public async Task AKeptTokenIsValidatedAgainOnceItsExpiryPasses()
    {
        var cache = Cache();
        var handler = new CachingTokenHandler(_inner, cache);
        var expires = _clock.GetUtcNow().AddMinutes(2);
        var token = Token(expires);
        await handler.ValidateTokenAsync(token, Parameters());

        _clock.Set(expires);

        Assert.Null(await cache.TryGetAsync(token, Parameters()));
        await handler.ValidateTokenAsync(token, Parameters());
        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task AKeptTokenIsValidatedAgainAfterTheCachesMaximumAge()
    {
        var handler = Handler();
        var token = Token(_clock.GetUtcNow().AddHours(1));
        await handler.ValidateTokenAsync(token, Parameters());

        _clock.Advance(TimeSpan.FromMinutes(5));
        await handler.ValidateTokenAsync(token, Parameters());

        Assert.Equal(2, _inner.Validations);
    }

    [Fact]
    public async Task AKeptTokenIsNotServedOnceItsSigningKeyIsNoLongerTrusted()
    {
        var handler = Handler();
        var token = Token(_clock.GetUtcNow().AddHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var rotated = Parameters(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)));
        var result = await handler.ValidateTokenAsync(token, rotated);

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Validations);
        Assert.Equal(0, Cache().Count);
    }

    [Fact]
    public async Task TheCacheKeepsNoMoreTokensThanItsCapacity()
    {
        var cache = new ValidatedTokenCache(2, TimeSpan.FromMinutes(5), _clock);
        var handler = new CachingTokenHandler(_inner, cache);
        var tokens = Enumerable.Range(1, 3).Select(i => Token(_clock.GetUtcNow().AddMinutes(10 + i))).ToArray();

        foreach (var token in tokens.Concat(tokens))
            Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        Assert.Equal(2, cache.Count);
        Assert.Equal(4, _inner.Validations); // the third token found no room: validated both times
    }

    [Fact]
    public async Task AnInvalidTokenIsNotKept()
    {
        var cache = Cache();
        var handler = new CachingTokenHandler(_inner, cache);
        var expired = Token(_clock.GetUtcNow().AddHours(-1), notBefore: _clock.GetUtcNow().AddHours(-2));

        Assert.False((await handler.ValidateTokenAsync(expired, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(expired, Parameters())).IsValid);

        Assert.Equal(0, cache.Count);
        Assert.Equal(2, _inner.Validations);
    }

    private ValidatedTokenCache? _cache;

    private ValidatedTokenCache Cache() => _cache ??= new ValidatedTokenCache(100, TimeSpan.FromMinutes(5), _clock);

    private CachingTokenHandler Handler() => new(_inner, Cache());

    private static readonly ECDsaSecurityKey TrustedKey = new(Key);

    private static TokenValidationParameters Parameters(SecurityKey? key = null) => new()
    {
        ValidIssuer = "issuer",
        ValidAudience = "customer-health",
        IssuerSigningKey = key ?? TrustedKey,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
    };

    private static string Token(DateTimeOffset expires, DateTimeOffset? notBefore = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "customer-health",
            Claims = new Dictionary<string, object> { ["sub"] = "caller", ["scope"] = Scopes.Read },
            NotBefore = (notBefore ?? expires.AddHours(-2)).UtcDateTime,
            IssuedAt = (notBefore ?? expires.AddHours(-2)).UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(TrustedKey, SecurityAlgorithms.EcdsaSha256),
        });

    /// <summary>The real handler, counting the validations that reach it.</summary>
    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(
            string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return _handler.ValidateTokenAsync(token, validationParameters);
        }
    }
}
