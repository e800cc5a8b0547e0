using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Core.Http;

/// <summary>
/// How the HTTP tool (<c>tool/http</c>, the agents' <c>http_get</c>) reaches out (<c>ChatFlows:Http</c>). Private,
/// loopback, link-local and cloud metadata addresses are refused unless their host is listed in
/// <see cref="AllowedHosts"/>.
/// </summary>
public sealed class HttpToolOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string SectionName = "ChatFlows:Http";

    /// <summary>
    /// Hosts the tool may reach even though they resolve to a private, loopback or link-local address: host names or
    /// IP literals (<c>intranet.example</c>, <c>10.1.2.3</c>, <c>::1</c>), compared case-insensitively, or
    /// <c>*.example.internal</c> for every name below <c>example.internal</c> (not the name itself). A wildcard does
    /// not unlock the cloud metadata endpoints; those must be listed by their exact name or address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>How long one attempt of a request may take, from connecting to the last byte of the body.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "ChatFlows:Http:Timeout must be more than zero and at most a day.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response body read, in bytes; a larger answer fails the request.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "ChatFlows:Http:MaxResponseBytes must be at least 1.")]
    public long MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Retries after a 429, a 5xx or a failed connection, unless a node says otherwise (its <c>retries</c> field).
    /// </summary>
    [Range(0, 10, ErrorMessage = "ChatFlows:Http:MaxRetries must be from 0 to 10.")]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The longest <c>Retry-After</c> a request waits for; an answer asking for a longer wait is not retried.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "ChatFlows:Http:MaxRetryAfter must be from zero to a day.")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Redirects followed per request; each one is checked against the address guard like the first hop.</summary>
    [Range(0, 20, ErrorMessage = "ChatFlows:Http:MaxRedirects must be from 0 to 20.")]
    public int MaxRedirects { get; set; } = 5;
}
