using System.Text;

namespace ChatFlows.Core.Http;

/// <summary>The final answer to an <see cref="HttpToolRequest"/>, after retries and redirects, with its body read.</summary>
public sealed class HttpToolResponse
{
    private const int ExcerptLength = 200;

    internal HttpToolResponse(HttpMethod method, Uri url, HttpResponseMessage message, byte[] body, bool truncated, TimeSpan? retryAfter)
    {
        Method = method;
        Url = url;
        Status = (int)message.StatusCode;
        ReasonPhrase = message.ReasonPhrase ?? "";
        Body = body;
        Truncated = truncated;
        RetryAfter = retryAfter;
        MediaType = message.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        Charset = message.Content.Headers.ContentType?.CharSet;
        Location = message.Headers.Location;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in message.Headers.NonValidated.Concat(message.Content.Headers.NonValidated))
        {
            headers.Add(new(name.ToLowerInvariant(), string.Join(", ", values)));
        }
        Headers = headers;
    }

    /// <summary>The method of the request that got this answer (GET after a 303 redirect).</summary>
    public HttpMethod Method { get; }

    /// <summary>The URL that answered, after redirects.</summary>
    public Uri Url { get; }

    /// <summary>The status code, e.g. 200.</summary>
    public int Status { get; }

    /// <summary>The status text, e.g. <c>Not Found</c>.</summary>
    public string ReasonPhrase { get; }

    /// <summary>Response and content headers, with lower-case names; repeated headers are joined with <c>, </c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body as received (decompressed).</summary>
    public byte[] Body { get; }

    /// <summary>True when the body was cut at <see cref="HttpToolRequest.TruncateBodyAt"/>.</summary>
    public bool Truncated { get; }

    /// <summary>The body's media type in lower case, e.g. <c>application/json</c>; null when the server did not say.</summary>
    public string? MediaType { get; }

    /// <summary>The body's character set, if the server named one.</summary>
    public string? Charset { get; }

    /// <summary>How long the server asked to wait before trying again (<c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Attempts made for the final hop: 1 when the first one was answered.</summary>
    public int Attempts { get; internal set; } = 1;

    /// <summary>
    /// True when the answer would have been retried but asked for a longer wait than
    /// <see cref="HttpToolOptions.MaxRetryAfter"/> allows.
    /// </summary>
    public bool RetryAfterTooLong { get; internal set; }

    /// <summary>True for a 2xx status.</summary>
    public bool IsSuccess => Status is >= 200 and <= 299;

    /// <summary>True when the body is JSON: <c>application/json</c> or a <c>+json</c> type.</summary>
    public bool IsJson => MediaType is { } type && (type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal));

    internal Uri? Location { get; }

    /// <summary>The body decoded as text, in the character set the server named (UTF-8 otherwise).</summary>
    public string ReadText()
    {
        var encoding = Encoding.UTF8;
        if (Charset is { } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset still most likely means something UTF-8 can read.
            }
        }
        var text = encoding.GetString(Body);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>
    /// A sentence about an unsuccessful answer for the person reading the run, e.g.
    /// <c>GET https://host/path answered 404 Not Found: {"error":"no such item"}</c>.
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder($"{GuardedHttpClient.Describe(Method, Url)} answered {Status} {ReasonPhrase}".TrimEnd());
        if (Attempts > 1) text.Append($" (after {Attempts} attempts)");
        if (RetryAfterTooLong && RetryAfter is { } wait)
        {
            text.Append($" and asked to retry after {GuardedHttpClient.Describe(wait)}, longer than {HttpToolOptions.SectionName}:MaxRetryAfter allows, so it was not retried");
        }
        var body = ReadText().Trim();
        if (body.Length > 0) text.Append(": ").Append(body.Length > ExcerptLength ? body[..ExcerptLength] + "…" : body);
        return text.ToString();
    }
}
