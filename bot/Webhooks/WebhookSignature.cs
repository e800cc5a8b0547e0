using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// The <c>X-ChatFlows-Signature</c> header: <c>sha256=</c> and the hex HMAC-SHA256 keyed with the webhook trigger's
/// secret, either of the raw body, or, with <c>X-ChatFlows-Timestamp: &lt;unix seconds&gt;</c>, of
/// <c>{timestamp}.{body}</c>, which cannot be replayed once the timestamp is out of the window.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string Header = "X-ChatFlows-Signature";

    /// <summary>The header carrying the time a timestamped signature was made, in Unix seconds.</summary>
    public const string TimestampHeader = "X-ChatFlows-Timestamp";

    private const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/>, as a sender computes it.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>, as a sender computes it.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) => Sign(secret, Timestamped(timestamp.ToString(CultureInfo.InvariantCulture), body));

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

    /// <summary>True when <paramref name="header"/> signs <c>{timestamp}.{body}</c> under <paramref name="secret"/>.</summary>
    public static bool IsValid(string secret, string timestamp, ReadOnlySpan<byte> body, string? header) =>
        IsValid(secret, Timestamped(timestamp, body), header);

    /// <summary>Reads a timestamp header: whole Unix seconds, nothing else.</summary>
    public static bool TryParseTimestamp(string? text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return false;
        at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static byte[] Timestamped(string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return signed;
    }
}
