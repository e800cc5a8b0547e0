using System.Net;

namespace ChatFlows.Core.Http;

/// <summary>The address guard refused a host: it names, or resolves to, an address the tool must not reach.</summary>
public sealed class AddressRefusedException(string host, IPAddress? address, string reason, string? redirectedFrom = null)
    : HttpToolException(Explain(host, address, reason, redirectedFrom))
{
    /// <summary>The host of the refused URL.</summary>
    public string Host { get; } = host;

    /// <summary>The refused address; null when the host name itself is refused (a cloud metadata name).</summary>
    public IPAddress? Address { get; } = address;

    /// <summary>What kind of address it is, e.g. <c>a private address</c>.</summary>
    public string Reason { get; } = reason;

    /// <summary>The URL whose redirect led to the refused host; null when the request itself named it.</summary>
    public string? RedirectedFrom { get; } = redirectedFrom;

    private static string Explain(string host, IPAddress? address, string reason, string? redirectedFrom)
    {
        var target = address is null ? $"host '{host}'"
            : IPAddress.TryParse(host, out _) ? address.ToString()
            : $"{address} for host '{host}'";
        var redirect = redirectedFrom is null ? "" : $", redirected from {redirectedFrom}";
        return $"Refused to connect to {target} ({reason}){redirect}; add the host to {HttpToolOptions.SectionName}:AllowedHosts if it is meant to be reached.";
    }
}
