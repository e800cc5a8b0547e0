namespace ChatFlows.Core.Http;

/// <summary>One request of the HTTP tool, with everything needed to send it again on a retry or a redirect.</summary>
public sealed class HttpToolRequest(HttpMethod method, Uri url)
{
    /// <summary>GET, POST, PUT, PATCH, DELETE or HEAD.</summary>
    public HttpMethod Method { get; } = method;

    /// <summary>An absolute http or https URL, query included.</summary>
    public Uri Url { get; } = url;

    /// <summary>Request headers; <c>Content-Type</c> belongs in <see cref="ContentType"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// Further headers that carry credentials (an http connection's, README §Connections): like <c>Authorization</c>,
    /// they are dropped when a redirect leaves the origin.
    /// </summary>
    public IReadOnlyList<string> CredentialHeaders { get; init; } = [];

    /// <summary>The body, or null to send none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The body's media type, e.g. <c>application/json</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Retries for this request; <see cref="HttpToolOptions.MaxRetries"/> when null.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>How long one attempt may take; <see cref="HttpToolOptions.Timeout"/> when null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Most body bytes kept; a longer body is cut there instead of failing the request. Null fails a body larger than
    /// <see cref="HttpToolOptions.MaxResponseBytes"/>.
    /// </summary>
    public long? TruncateBodyAt { get; init; }
}
