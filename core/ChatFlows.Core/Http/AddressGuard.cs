using System.Net;
using System.Net.Sockets;

namespace ChatFlows.Core.Http;

/// <summary>
/// Decides which addresses the HTTP tool may connect to (README §Security). A workflow author controls the URL, so without
/// this a workflow could read the cloud metadata service or an internal admin page from inside the network. Loopback,
/// private, link-local, unspecified, shared (CGNAT), multicast, reserved and cloud metadata addresses are refused,
/// also in their IPv4-mapped IPv6 forms, unless the URL's host is listed in <see cref="HttpToolOptions.AllowedHosts"/>.
/// A name is resolved here, once, and the connection goes to the addresses that were checked, so that a second
/// lookup cannot return something else (DNS rebinding).
/// </summary>
public sealed class AddressGuard
{
    /// <summary>Google Cloud's metadata host name, refused by name before it is ever resolved.</summary>
    public const string MetadataHostName = "metadata.google.internal";

    private const string MetadataKind = "a cloud metadata endpoint";

    private static readonly IPAddress MetadataV4 = IPAddress.Parse("169.254.169.254");
    private static readonly IPAddress MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>Creates a guard that lets <paramref name="allowedHosts"/> through.</summary>
    /// <param name="allowedHosts">Host names, IP literals or <c>*.suffix</c> wildcards.</param>
    /// <param name="resolve">Resolves a host name; the system's DNS when null.</param>
    public AddressGuard(IEnumerable<string> allowedHosts, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        foreach (var entry in allowedHosts)
        {
            var host = Normalize(entry);
            if (host.Length == 0) continue;
            if (host.StartsWith("*.", StringComparison.Ordinal)) _suffixes.Add(host[1..]);
            else _exact.Add(host);
        }
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
    }

    /// <summary>
    /// The addresses to connect to for <paramref name="host"/>: the literal itself, or what the name resolves to.
    /// Throws <see cref="AddressRefusedException"/> when the host is not allowed and any of them is refused.
    /// </summary>
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var name = Normalize(host);
        var listed = _exact.Contains(name);
        if (!listed && name == MetadataHostName) throw new AddressRefusedException(name, null, MetadataKind);
        var addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await _resolve(name, ct);
        if (listed) return addresses;
        var wildcard = _suffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
        foreach (var address in addresses)
        {
            var kind = Classify(address);
            // A wildcard trusts a whole domain, whose DNS may not be ours; metadata addresses need the exact name.
            if (kind is null || (wildcard && kind != MetadataKind)) continue;
            throw new AddressRefusedException(name, address, kind);
        }
        return addresses;
    }

    /// <summary>
    /// Why <paramref name="address"/> is refused (<c>a private address</c>, <c>a cloud metadata endpoint</c>, …),
    /// or null for a public address.
    /// </summary>
    public static string? Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Classify(address.MapToIPv4());
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => "not an IP address",
        };
    }

    private static string? ClassifyV4(byte[] b)
    {
        if (b is [169, 254, 169, 254]) return MetadataKind;
        return b switch
        {
            [0, ..] => "an unspecified address",
            [10, ..] => "a private address",
            [100, var second, ..] when (second & 0xC0) == 64 => "a shared (carrier-grade NAT) address",
            [127, ..] => "a loopback address",
            [169, 254, ..] => "a link-local address",
            [172, var second, ..] when (second & 0xF0) == 16 => "a private address",
            [192, 168, ..] => "a private address",
            [var first, ..] when (first & 0xF0) == 224 => "a multicast address",
            [var first, ..] when (first & 0xF0) == 240 => "a reserved address",
            _ => null,
        };
    }

    private static string? ClassifyV6(IPAddress address)
    {
        if (address.Equals(MetadataV6)) return MetadataKind;
        if (address.Equals(IPAddress.IPv6Loopback)) return "a loopback address";
        if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if (address.IsIPv6LinkLocal) return "a link-local address";
        if (address.IsIPv6Multicast) return "a multicast address";
        var b = address.GetAddressBytes();
        if ((b[0] & 0xFE) == 0xFC || address.IsIPv6SiteLocal) return "a private address";
        // NAT64 (64:ff9b::/96) carries an IPv4 address in its last four bytes, reachable through the gateway.
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..]) return ClassifyV4(b[12..]);
        return null;
    }

    private static string Normalize(string host)
    {
        var name = host.Trim().TrimEnd('.').Trim('[', ']').ToLowerInvariant();
        // One spelling per address, so that "::0001" in the settings matches "::1" in a URL.
        return IPAddress.TryParse(name, out var address) ? address.ToString() : name;
    }
}
