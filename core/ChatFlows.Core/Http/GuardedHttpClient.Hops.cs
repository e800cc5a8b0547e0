using System.Net;
using System.Net.Http.Headers;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Http;

/// <summary>Redirect hops and the descriptions used in messages.</summary>
public sealed partial class GuardedHttpClient
{
    private static readonly string[] Credentials = ["Authorization", "Proxy-Authorization", "Cookie"];

    /// <summary><c>GET https://host/path</c>: method and URL without query or user info, which may carry secrets.</summary>
    internal static string Describe(HttpMethod method, Uri url) => $"{method.Method} {Display(url)}";

    /// <summary>A URL for messages: scheme, host, port and path, without query or user info, which may carry secrets.</summary>
    internal static string Display(Uri url) => $"{url.Scheme}://{url.Authority}{url.AbsolutePath}";

    /// <summary>A duration for messages, e.g. <c>30 s</c>.</summary>
    internal static string Describe(TimeSpan span) => GraphRunner.Describe(span);

    /// <summary>A size for messages, e.g. <c>1 MiB</c>.</summary>
    internal static string Describe(long bytes) =>
        bytes < 1024 ? $"{bytes} bytes"
        : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KiB"
        : $"{bytes / (1024.0 * 1024):0.#} MiB";

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static Hop NextHop(Hop hop, HttpToolResponse response)
    {
        var next = new Uri(hop.Url, response.Location!);
        if (!IsHttpUrl(next))
        {
            throw new HttpToolException($"{Describe(hop.Method, hop.Url)} was redirected to a '{next.Scheme}:' URL, which the HTTP tool does not follow.");
        }
        var method = hop.Method;
        var body = hop.Body;
        // As browsers do: 303 means "GET the answer there"; 301 and 302 after a POST are treated the same way.
        if ((response.Status == 303 && method != HttpMethod.Head) || (response.Status is 301 or 302 && method == HttpMethod.Post))
        {
            method = HttpMethod.Get;
            body = null;
        }
        var headers = hop.Headers;
        // Credentials were given for the origin the workflow named, not for wherever it redirects to.
        if (!SameOrigin(hop.Url, next))
        {
            headers = headers.Where(h => !Credentials.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && !hop.Request.CredentialHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).ToArray();
        }
        return new Hop(hop.Request, method, next, headers, body, hop.Url) { MaxRetries = hop.MaxRetries, Timeout = hop.Timeout };
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>One hop of a request: the original or a redirect target, with its attempts.</summary>
    private sealed class Hop(HttpToolRequest request, HttpMethod method, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? body, Uri? from)
    {
        public HttpToolRequest Request { get; } = request;

        public HttpMethod Method { get; } = method;

        public Uri Url { get; } = url;

        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

        public byte[]? Body { get; } = body;

        /// <summary>The URL that redirected here; null for the first hop.</summary>
        public Uri? From { get; } = from;

        public required int MaxRetries { get; init; }

        public required TimeSpan Timeout { get; init; }

        public int Attempts { get; set; }

        // A new message per attempt: a sent HttpRequestMessage cannot be sent again.
        public HttpRequestMessage CreateMessage()
        {
            var message = new HttpRequestMessage(Method, Url)
            {
                // Never HTTP/3: QUIC connections do not go through ConnectCallback, so the guard would not see them.
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
            if (Body is not null)
            {
                message.Content = new ByteArrayContent(Body);
                if (Request.ContentType is { } type && !message.Content.Headers.TryAddWithoutValidation("Content-Type", type))
                {
                    throw new HttpToolException($"The content type '{type}' is not valid.");
                }
            }
            foreach (var (name, value) in Headers)
            {
                // Content headers (Content-Language, …) go with the body, and are dropped without one.
                if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
            if (message.Headers.UserAgent.Count == 0) message.Headers.UserAgent.Add(new ProductInfoHeaderValue("ChatFlows", null));
            return message;
        }
    }
}
