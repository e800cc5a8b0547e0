using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack's request signing (v0): <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256 of "v0:{timestamp}:{raw body}"&gt;</c>
/// keyed with the app's signing secret, and <c>X-Slack-Request-Timestamp</c> within five minutes of now.
/// </summary>
public static class SlackSignature
{
    /// <summary>How far a request's timestamp may be from now; older requests may be replays.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The signature Slack sends for <paramref name="body"/> at <paramref name="timestamp"/> (seconds since 1970).</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), signed));
    }

    /// <summary>Why a request is not from Slack, or null when its signature and timestamp hold.</summary>
    public static string? Check(string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return "X-Slack-Request-Timestamp and X-Slack-Signature are required.";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "X-Slack-Request-Timestamp is not a number of seconds.";
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sent).Duration() > MaxAge) return "X-Slack-Request-Timestamp is more than 5 minutes from now; the request may be a replay.";
        var expected = Encoding.ASCII.GetBytes(Compute(signingSecret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "X-Slack-Signature does not match the body.";
    }
}
