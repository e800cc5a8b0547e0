using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Keeps web pages the operator happens to open from driving the host (README §Security), on every host, loopback
/// included:
/// <list type="bullet">
/// <item>only this host's own names are served (loopback names, the host of <c>ChatFlows:PublicBaseUrl</c> and
/// <c>ChatFlows:Access:AllowedHosts</c>): another <c>Host</c> header gets 400, so a DNS-rebinding page reads nothing;</item>
/// <item>a POST, PUT, PATCH or DELETE whose <c>Origin</c> is not the host's own, or whose <c>Sec-Fetch-Site</c> is not
/// <c>same-origin</c> or <c>none</c>, gets 403. Programs (Slack, Teams, webhooks, scripts) send neither header;</item>
/// <item>the JSON APIs take <c>Content-Type: application/json</c> only (415 otherwise), so a plain HTML form, which can
/// only send form and text types, cannot reach them. Uploads to a knowledge base (<c>POST /api/knowledge/{id}/documents</c>)
/// may be <c>multipart/form-data</c> only with the header <c>X-ChatFlows-Upload: 1</c>, which a form cannot send either
/// (and which a cross-site script could only send after a CORS preflight that this host never answers).</item>
/// </list>
/// The health probes answer any host name: orchestrators call them by the pod's address.
/// </summary>
public sealed class BrowserGuard(RequestDelegate next, IOptions<AccessOptions> options)
{
    private static readonly string[] ProbePaths = ["/healthz", "/readyz"];

    // The canvas's and the Playground's JSON APIs; /api/messages is Teams' endpoint, which reads its own activities.
    private static readonly string[] JsonApiPaths = ["/api", "/playground/api"];
    private const string TeamsPath = "/api/messages";

    /// <summary>The header that admits a multipart upload to a knowledge base (README §Security).</summary>
    public const string UploadHeader = "X-ChatFlows-Upload";

    private readonly AccessOptions _options = options.Value;
    private readonly Uri? _publicBaseUrl = Uri.TryCreate(options.Value.PublicBaseUrl?.Trim(), UriKind.Absolute, out var url) ? url : null;

    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (!IsProbe(request.Path) && !IsServedHost(request.Host))
        {
            return Refuse(http, StatusCodes.Status400BadRequest, "This host name is not served.",
                $"'{request.Host}' is not one of this host's names. Served are localhost, 127.0.0.1 and [::1] (any port), the host of ChatFlows:PublicBaseUrl, "
                + $"and the names listed in {AccessOptions.SectionName}:AllowedHosts; set one of those to admit it.");
        }
        if (!IsUnsafe(request.Method)) return next(http);

        if (CrossSiteReason(request) is { } reason)
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "Cross-site requests are refused.",
                $"{reason} Only pages of this host may change anything; programs send neither Origin nor Sec-Fetch-Site.");
        }
        if (IsJsonApi(request.Path) && !IsJsonOrEmpty(request) && !IsKnowledgeUpload(request))
        {
            return Refuse(http, StatusCodes.Status415UnsupportedMediaType, "Send JSON.",
                $"{request.Method} {request.Path} takes 'Content-Type: application/json'; the request sent '{request.ContentType ?? "no Content-Type"}'.");
        }
        return next(http);
    }

    private static bool IsProbe(PathString path) => ProbePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private bool IsServedHost(HostString host)
    {
        if (!host.HasValue) return false;
        var name = host.Host;
        if (IsLoopbackName(name)) return true;
        if (_publicBaseUrl is not null && SameName(_publicBaseUrl.Host, name)) return true;
        return _options.AllowedHosts.Any(allowed => SameName(allowed.Trim(), name));
    }

    private static bool IsLoopbackName(string name) =>
        name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool SameName(string a, string b) => string.Equals(a.Trim('[', ']'), b.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);

    private string? CrossSiteReason(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(origin, request))
            return $"The request comes from {origin}, not from this host ({request.Scheme}://{request.Host}).";

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase))
            return $"The browser says the request comes from another site (Sec-Fetch-Site: {site}).";
        return null;
    }

    // The request's own scheme, host and port, or those of ChatFlows:PublicBaseUrl (a proxy that ends TLS may not say it did).
    private bool IsOwnOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)) return false;
        var ownPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        if (from.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase) && SameName(from.Host, request.Host.Host) && from.Port == ownPort) return true;
        return _publicBaseUrl is not null
            && from.Scheme.Equals(_publicBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase) && SameName(from.Host, _publicBaseUrl.Host) && from.Port == _publicBaseUrl.Port;
    }

    private static bool IsJsonApi(PathString path) =>
        !path.StartsWithSegments(TeamsPath, StringComparison.OrdinalIgnoreCase)
        && JsonApiPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    // A body needs the JSON type; a request without a body (cancel, delete) needs no type at all.
    private static bool IsJsonOrEmpty(HttpRequest request)
    {
        var type = request.Headers.ContentType.ToString();
        if (type.Length == 0) return request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0;
        return MediaTypeHeaderValue.TryParse(type, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    // Under a workspace's API too (/api/w/{workspace}/knowledge/…), which this guard sees before the prefix is taken off.
    private static bool IsKnowledgeUpload(HttpRequest request) =>
        (request.Path.StartsWithSegments("/api/knowledge", StringComparison.OrdinalIgnoreCase)
            || (request.Path.StartsWithSegments("/api/w", StringComparison.OrdinalIgnoreCase, out var inWorkspace)
                && inWorkspace.Value is { } rest && rest.IndexOf('/', 1) is > 1 and var end
                && new PathString(rest[end..]).StartsWithSegments("/knowledge", StringComparison.OrdinalIgnoreCase)))
        && request.Path.Value!.EndsWith("/documents", StringComparison.OrdinalIgnoreCase)
        && request.Headers[UploadHeader].ToString() == "1"
        && MediaTypeHeaderValue.TryParse(request.Headers.ContentType.ToString(), out var media)
        && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    private static Task Refuse(HttpContext http, int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(http);
}
