using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>
/// The API key check and the sign-in cookie a browser gets for it. The cookie is sealed with the host's Data Protection
/// keys, expires after <see cref="AccessOptions.SignInLifetime"/>, and names the key it was issued for, so changing the
/// key signs every browser out.
/// </summary>
public sealed class AccessPass(IOptions<AccessOptions> options, IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The cookie that carries a browser's sign-in.</summary>
    public const string CookieName = "chatflows.access";

    private readonly AccessOptions _options = options.Value;
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("ChatFlows.Access.v1").ToTimeLimitedDataProtector();

    /// <summary>True when a key is set, so other machines can be let in at all.</summary>
    public bool HasKey => _options.HasKey;

    /// <summary>How long a browser sign-in lasts.</summary>
    public TimeSpan Lifetime => _options.SignInLifetime;

    /// <summary>True when <paramref name="candidate"/> is the configured API key (compared in constant time).</summary>
    public bool IsKey(string? candidate) =>
        _options.HasKey && candidate is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate.Trim()), Encoding.UTF8.GetBytes(_options.ApiKey!.Trim()));

    /// <summary>A sign-in cookie value, valid for <see cref="Lifetime"/> from now.</summary>
    public string Issue() => _protector.Protect(KeyFingerprint(), time.GetUtcNow() + _options.SignInLifetime);

    /// <summary>True when <paramref name="cookie"/> was issued by this host for the current key and has not expired.</summary>
    public bool IsValidCookie(string? cookie)
    {
        if (!_options.HasKey || string.IsNullOrEmpty(cookie)) return false;
        try
        {
            return _protector.Unprotect(cookie, out var expires) == KeyFingerprint() && expires > time.GetUtcNow();
        }
        catch (CryptographicException)
        {
            // Tampered with, expired, or sealed with keys this host no longer has.
            return false;
        }
    }

    private string KeyFingerprint() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_options.ApiKey!.Trim())));
}
