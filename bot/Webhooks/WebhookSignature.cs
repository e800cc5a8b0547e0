using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// The <c>X-ChatFlows-Signature</c> header: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body, keyed with the
/// webhook trigger's secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string Header = "X-ChatFlows-Signature";

    private const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/>, as a sender computes it.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        // Constant time, so the response time does not tell how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
