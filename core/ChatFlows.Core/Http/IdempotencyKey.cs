using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Core.Http;

/// <summary>
/// The <c>Idempotency-Key</c> request header (IETF draft-ietf-httpapi-idempotency-key-header) the HTTP tool sends
/// with every request that changes something: the same for every execution of one node in one run, retries and
/// re-executions after a crash included, and different for every other node and run.
/// </summary>
public static class IdempotencyKey
{
    /// <summary>The header's name.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The header's value for <paramref name="nodeId"/> in <paramref name="runId"/>: a quoted UUID (a structured-field string).</summary>
    public static string For(string runId, string nodeId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"chatflows\n{runId}\n{nodeId}"), hash);
        // Shaped as a version 8 (custom) UUID so receivers that expect UUID keys accept it.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash[..16]);
        return $"\"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}\"";
    }
}
