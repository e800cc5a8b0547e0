using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ChatFlows.Core.Http;

/// <summary>
/// The HTTP client of the HTTP tool: every connection, redirects included, goes through the <see cref="AddressGuard"/>;
/// 429, 5xx and failed connections are retried with <c>Retry-After</c> or exponential backoff; each attempt has a
/// timeout and each body a size cap. Its failures are <see cref="HttpToolException"/>s whose messages a person can act on.
/// </summary>
public sealed partial class GuardedHttpClient : IDisposable
{
    private const int MostRetries = 10;
    private static readonly ResiliencePropertyKey<Hop> HopKey = new("chatflows.http.hop");

    private readonly HttpToolOptions _options;
    private readonly TimeProvider _time;
    private readonly AddressGuard _guard;
    private readonly HttpMessageInvoker _invoker;
    private readonly ResiliencePipeline<HttpToolResponse> _pipeline;

    /// <summary>Creates a client with its own connection pool; share one per process and clock.</summary>
    public GuardedHttpClient(HttpToolOptions options, TimeProvider time)
        : this(options, time, null)
    {
    }

    /// <summary>Creates a client whose guard resolves names with <paramref name="resolve"/> (tests pin DNS answers).</summary>
    internal GuardedHttpClient(HttpToolOptions options, TimeProvider time, Func<string, CancellationToken, Task<IPAddress[]>>? resolve)
    {
        _options = options;
        _time = time;
        _guard = new AddressGuard(options.AllowedHosts, resolve);
        var handler = new SocketsHttpHandler
        {
            // A proxy would make the connection on our behalf, to wherever the URL points, past the guard.
            UseProxy = false,
            // Every hop must pass the guard, so redirects are followed in SendAsync.
            AllowAutoRedirect = false,
            // Runs of different workflows share this client; none may see another's cookies.
            UseCookies = false,
            // The size cap counts decompressed bytes, so a small compressed bomb cannot get past it.
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = ConnectAsync,
            // Pooled connections keep the address checked when they were opened; renew them to follow DNS changes.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        _pipeline = new ResiliencePipelineBuilder<HttpToolResponse> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpToolResponse>
            {
                // The per-request limit (a node's "retries") is applied in ShouldRetry.
                MaxRetryAttempts = Math.Max(MostRetries, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(HopKey, null!).Timeout),
            })
            .Build();
    }

    /// <summary>
    /// Sends <paramref name="request"/>, following redirects, and reads the final answer's body. Error statuses are
    /// returned, not thrown; a refused address, a timeout, a failed connection or a body over the cap throws an
    /// <see cref="HttpToolException"/>.
    /// </summary>
    public async Task<HttpToolResponse> SendAsync(HttpToolRequest request, CancellationToken ct)
    {
        var hop = new Hop(request, request.Method, request.Url, request.Headers, request.Body, null)
        {
            MaxRetries = Math.Clamp(request.MaxRetries ?? _options.MaxRetries, 0, MostRetries),
            Timeout = request.Timeout ?? _options.Timeout,
        };
        for (var redirects = 0; ; redirects++)
        {
            var response = await SendHopAsync(hop, ct);
            if (!IsRedirect(response.Status) || response.Location is null) return response;
            if (redirects >= _options.MaxRedirects)
            {
                throw new HttpToolException(
                    $"{Describe(request.Method, request.Url)} was redirected more than {_options.MaxRedirects} times ({HttpToolOptions.SectionName}:MaxRedirects); the last hop pointed to {Display(new Uri(hop.Url, response.Location))}.");
            }
            hop = NextHop(hop, response);
        }
    }

    /// <summary>
    /// GETs <paramref name="url"/> and returns its status and at most <paramref name="maxChars"/> characters of its
    /// body; a longer body is cut rather than refused. For agents that read pages and APIs.
    /// </summary>
    public async Task<HttpTextResponse> GetTextAsync(Uri url, int maxChars, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        if (!IsHttpUrl(url)) throw new HttpToolException($"'{url}' is not an absolute http:// or https:// URL.");
        // A character takes at most four bytes in UTF-8; reading more would only be thrown away.
        var limit = Math.Min(_options.MaxResponseBytes, 4L * maxChars);
        var response = await SendAsync(new HttpToolRequest(HttpMethod.Get, url) { TruncateBodyAt = limit }, ct);
        var text = response.ReadText();
        var truncated = response.Truncated || text.Length > maxChars;
        return new HttpTextResponse(response.Status, text.Length > maxChars ? text[..maxChars] : text, truncated, response.MediaType);
    }

    /// <summary>True for an absolute http or https URL.</summary>
    public static bool IsHttpUrl(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();

    private async Task<HttpToolResponse> SendHopAsync(Hop hop, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(HopKey, hop);
        try
        {
            var response = await _pipeline.ExecuteAsync(static (context, self) => self.AttemptAsync(context), context, this);
            response.Attempts = hop.Attempts;
            response.RetryAfterTooLong = IsRetryable(response.Status, hop.Method) && response.RetryAfter > _options.MaxRetryAfter;
            return response;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new HttpToolException($"{Describe(hop.Method, hop.Url)} timed out after {Describe(hop.Timeout)}{AfterAttempts(hop)}.", ex);
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refusal)
        {
            throw new AddressRefusedException(refusal.Host, refusal.Address, refusal.Reason, hop.From is null ? null : Display(hop.From));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // A failed connect or lookup names the endpoint in its own message; otherwise the root cause says most.
            var reason = ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                ? ex.Message
                : Innermost(ex).Message;
            throw new HttpToolException($"{Describe(hop.Method, hop.Url)} failed{AfterAttempts(hop)}: {reason}", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpToolResponse> AttemptAsync(ResilienceContext context)
    {
        var hop = context.Properties.GetValue(HopKey, null!);
        var ct = context.CancellationToken;
        hop.Attempts++;
        using var message = hop.CreateMessage();
        using var answer = await _invoker.SendAsync(message, ct);
        var retryAfter = RetryAfterOf(answer);
        if (IsRedirect((int)answer.StatusCode) && answer.Headers.Location is not null)
        {
            return new HttpToolResponse(hop.Method, hop.Url, answer, [], truncated: false, retryAfter);
        }
        var (body, truncated) = await ReadBodyAsync(hop, answer, ct);
        return new HttpToolResponse(hop.Method, hop.Url, answer, body, truncated, retryAfter);
    }

    private async ValueTask<(byte[] Body, bool Truncated)> ReadBodyAsync(Hop hop, HttpResponseMessage answer, CancellationToken ct)
    {
        var cap = _options.MaxResponseBytes;
        var cut = hop.Request.TruncateBodyAt;
        var limit = cut is { } at ? Math.Min(at, cap) : cap;
        if (cut is null && answer.Content.Headers.ContentLength is { } length && length > cap)
        {
            throw new HttpToolException(
                $"{Describe(hop.Method, hop.Url)} answered with {Describe(length)}, more than the {Describe(cap)} {HttpToolOptions.SectionName}:MaxResponseBytes allows.");
        }
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > limit)
            {
                if (cut is null)
                {
                    throw new HttpToolException(
                        $"{Describe(hop.Method, hop.Url)} answered with more than the {Describe(cap)} {HttpToolOptions.SectionName}:MaxResponseBytes allows.");
                }
                body.Write(buffer, 0, (int)(limit - body.Length));
                return (body.ToArray(), true);
            }
            body.Write(buffer, 0, read);
        }
        return (body.ToArray(), false);
    }

    private bool ShouldRetry(RetryPredicateArguments<HttpToolResponse> args)
    {
        var hop = args.Context.Properties.GetValue(HopKey, null!);
        if (args.AttemptNumber >= hop.MaxRetries) return false;
        var idempotent = IsIdempotent(hop.Method);
        return args.Outcome switch
        {
            { Exception: HttpToolException } => false,
            { Exception: HttpRequestException error } => idempotent && FindRefusal(error) is null,
            // The connection broke while the body was being read.
            { Exception: IOException } => idempotent,
            { Exception: TimeoutRejectedException } => idempotent,
            { Exception: not null } => false,
            { Result: { } response } => IsRetryable(response.Status, hop.Method) && !(response.RetryAfter > _options.MaxRetryAfter),
            _ => false,
        };
    }

    // POST and PATCH may have been acted on by a server that failed afterwards; 429 and 503 say it did nothing.
    private static bool IsRetryable(int status, HttpMethod method) => status switch
    {
        429 or 503 => true,
        500 or 502 or 504 => IsIdempotent(method),
        _ => false,
    };

    private static bool IsIdempotent(HttpMethod method) => method != HttpMethod.Post && method != HttpMethod.Patch;

    private TimeSpan? RetryAfterOf(HttpResponseMessage answer) => answer.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await _guard.ResolveAsync(context.DnsEndPoint.Host, ct);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        SocketException? failure = null;
        // The addresses just checked, not the name: a second lookup could answer differently (DNS rebinding).
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw failure!;
    }

    private static AddressRefusedException? FindRefusal(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is AddressRefusedException refusal) return refusal;
        }
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static string AfterAttempts(Hop hop) => hop.Attempts > 1 ? $" (after {hop.Attempts} attempts)" : "";
}
