using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Http;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>tool/http</c>: sends an HTTP request through the <see cref="GuardedHttpClient"/> and outputs the answer's body
/// (parsed when it is JSON), or <c>{status, headers, body}</c> with <c>fullResponse</c>. Requests other than GET and
/// HEAD are recorded as node effects, so that running the node again after a crash does not send them twice.
/// With an http <c>connection</c> (README §Connections), <c>url</c> may be relative to the connection's <c>BaseUrl</c>
/// and the connection's headers are sent too; their values are credentials, redacted from whatever the run records.
/// </summary>
public sealed class HttpNode : INodeHandler
{
    /// <summary>The effect under which a sent request's output is recorded.</summary>
    public const string ResponseEffect = "response";

    private static readonly HttpMethod[] Methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Head];
    // The HTTP stack sets these from the URL and the body; a workflow setting them could only corrupt the request.
    private static readonly string[] ReservedHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Connection"];
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);
    // Bodies go to other programs, not into HTML: "&" and "<" stay as they are instead of becoming \u0026 and \u003C.
    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Settings _settings;
    private readonly Clients _clients;
    private readonly ConnectionRegistry? _connections;
    private readonly IWorkspaceStore? _workspaces;

    private HttpNode(Settings settings, Clients clients, ConnectionRegistry? connections, IWorkspaceStore? workspaces)
    {
        _settings = settings;
        _clients = clients;
        _connections = connections;
        _workspaces = workspaces;
    }

    /// <summary>Registers the kind; its nodes share one client per clock, created from <c>options.Http</c> on first use.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options)
    {
        var clients = new Clients(options);
        registry.Add(new NodeKind(NodeTypes.Tool, "http", setup => Setup(setup, clients, options.Connections, options.Workspaces))
        {
            CredentialFields = ["headers/*", "query/*"],
            SideEffect = "sends an HTTP request",
            Label = "HTTP request",
            Description = "Sends an HTTP request.",
            Config = new() { ["method"] = "GET", ["url"] = "" },
            Fields =
            [
                new("method", "Method", NodeFieldTypes.Select) { Options = [.. Methods.Select(m => m.Method)] },
                new("connection", "Connection", NodeFieldTypes.Connection)
                {
                    ConnectionType = ConnectionTypes.Http,
                    Hint = "Optional: an http connection whose BaseUrl the URL is relative to and whose headers (credentials) are sent too.",
                },
                new("url", "URL") { Required = true, Template = true, Hint = "Absolute http(s) URL, or relative to the connection's BaseUrl; may use templates." },
                new("headers", "Headers", NodeFieldTypes.Map)
                {
                    Template = true,
                    Hint = "Names and values; credentials as {{ secrets.NAME }}, with no filter (e.g. \"Bearer {{ secrets.API_TOKEN }}\").",
                },
                new("query", "Query", NodeFieldTypes.Map) { Template = true, Hint = "Names and values; a value may hold {{ secrets.NAME }}, with no filter." },
                new("body", "Body", NodeFieldTypes.Json) { Template = true },
                new("fullResponse", "Output the status and headers too", NodeFieldTypes.Bool),
                new("requestTimeout", "Request timeout") { Hint = "ISO-8601 duration, like PT10S." },
                new("retries", "Retries", NodeFieldTypes.Number),
            ],
        });
    }

    private static HttpNode? Setup(NodeSetup setup, Clients clients, ConnectionRegistry? connections, IWorkspaceStore? workspaces)
    {
        var method = ReadMethod(setup);
        var connection = setup.Connection("connection", ConnectionTypes.Http, required: false);
        var url = setup.Template("url", required: true);
        // With a connection the URL may be relative to its BaseUrl, which is only known when the node runs.
        if (url is { IsStatic: true } && connection is null && !TryHttpUrl(url.Source, out _))
        {
            setup.Problem("url", $"'{url.Source}' is not an absolute http:// or https:// URL.");
        }
        var headers = ReadPairs(setup, "headers", "a header value must be text.", allowScalars: false);
        if (setup.Node.Config["headers"] is JsonObject names)
        {
            foreach (var (name, _) in names) CheckHeaderName(setup, name);
        }
        var query = ReadPairs(setup, "query", "a query value must be text, a number or true/false.", allowScalars: true);
        var body = setup.JsonTemplate("body");
        if (setup.Node.Config.ContainsKey("body") && (method == HttpMethod.Get || method == HttpMethod.Head))
        {
            setup.Problem("body", $"A {method} request has no body; use POST, PUT, PATCH or DELETE to send one.");
        }
        var settings = new Settings(setup.Path, method ?? HttpMethod.Get, url!, headers, query, body)
        {
            Connection = connection,
            FullResponse = setup.Boolean("fullResponse") ?? false,
            Timeout = setup.Duration("requestTimeout"),
            Retries = setup.Integer("retries", 0, 10),
        };
        return setup.HasProblems ? null : new HttpNode(settings, clients, connections, workspaces);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var sends = _settings.Method != HttpMethod.Get && _settings.Method != HttpMethod.Head;
        if (sends && await context.Effects.FindAsync(ResponseEffect, ct) is { } recorded) return NodeResult.Success(recorded);

        var connection = UseConnection(context);
        var request = await BuildRequestAsync(context.Scope, connection, sends ? IdempotencyKey.For(context.RunId, context.Node.Id) : null);
        await CheckHostAsync(context, request.Url, ct);
        HttpToolResponse response;
        try
        {
            response = await _clients.For(context.Time).SendAsync(request, ct);
        }
        catch (HttpToolException ex)
        {
            throw new NodeException(ex.Message, ex);
        }
        if (!_settings.FullResponse && !response.IsSuccess) throw new NodeException(response.Describe());

        var output = _settings.FullResponse ? FullOutput(response) : BodyOf(response);
        if (sends) await context.Effects.RecordAsync(ResponseEffect, output, ct);
        return NodeResult.Success(output);
    }

    // A templated URL's host is known only now, and the workspace's policy may have changed since the save
    // (README §Workspaces and roles): the rendered host must be one the run's workspace allows.
    private async ValueTask CheckHostAsync(NodeContext context, Uri url, CancellationToken ct)
    {
        if (_workspaces is null || await _workspaces.GetAsync(context.Workspace, ct) is not { } workspace) return;
        if (WorkspaceRules.HostRefusal(context.Workspace, workspace.Policy, url.IdnHost) is { } refusal)
        {
            throw new NodeException($"{_settings.Url.Label} rendered to a URL on {url.IdnHost}, which this workspace does not allow. {char.ToUpperInvariant(refusal[0])}{refusal[1..]}");
        }
    }

    // The connection is checked again as the node runs: it may have changed, or stopped allowing this workflow, since the save.
    private Connection? UseConnection(NodeContext context)
    {
        if (_settings.Connection is not { } name) return null;
        if (_connections is null) throw new NodeException($"{_settings.Path}/config/connection names connection '{name}', but connections are not available here.");
        return _connections.Use(name, ConnectionTypes.Http, context);
    }

    private async ValueTask<HttpToolRequest> BuildRequestAsync(RunScope scope, Connection? connection, string? idempotencyKey)
    {
        var urlText = await _settings.Url.RenderAsync(scope);
        var url = ResolveUrl(urlText, connection);
        if (_settings.Query is { } queryTemplate)
        {
            var pairs = await EvaluatePairsAsync(queryTemplate, scope, "query");
            url = AppendQuery(url, pairs);
        }
        var headers = _settings.Headers is { } headerTemplate ? await EvaluatePairsAsync(headerTemplate, scope, "headers") : [];
        // The connection's headers go along (an empty one is unset); a header the node sets itself wins.
        var credentialHeaders = new List<string>();
        foreach (var (name, value) in connection?.Group("Headers") ?? [])
        {
            if (value.Length == 0 || headers.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase))) continue;
            headers.Add(new(name, value));
            credentialHeaders.Add(name);
        }
        foreach (var (name, value) in headers)
        {
            if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                throw new NodeException($"{_settings.Path}/config/headers/{name} rendered to a value with a line break, which a header cannot carry.");
            }
        }
        // A crash between sending and recording the response makes the node send again; the key lets the receiver
        // recognise the repeat (docs/semantics.md, side effects). A key the workflow sets itself is kept.
        if (idempotencyKey is not null && !headers.Any(h => h.Key.Equals(IdempotencyKey.Header, StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new(IdempotencyKey.Header, idempotencyKey));
        }
        var contentType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        headers = headers.Where(h => !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).ToList();

        byte[]? body = null;
        if (_settings.Body is { } bodyTemplate && await bodyTemplate.EvaluateAsync(scope) is { ValueKind: not JsonValueKind.Null } json)
        {
            // A string is sent as it is (form data, XML, plain text); anything else is JSON.
            var isText = json.ValueKind == JsonValueKind.String;
            body = isText ? Encoding.UTF8.GetBytes(json.GetString()!) : JsonSerializer.SerializeToUtf8Bytes(json, BodyJson);
            contentType ??= isText ? "text/plain; charset=utf-8" : "application/json";
        }
        return new HttpToolRequest(_settings.Method, url)
        {
            Headers = headers,
            CredentialHeaders = credentialHeaders,
            Body = body,
            ContentType = body is null ? null : contentType,
            MaxRetries = _settings.Retries,
            Timeout = _settings.Timeout,
        };
    }

    /// <summary>
    /// The rendered URL as an absolute http(s) URL. With a connection that has a <c>BaseUrl</c>, a relative URL is
    /// appended to it (<c>items</c> and <c>/items</c> both go to <c>BaseUrl/items</c>), and the result must stay on
    /// the BaseUrl's host, so the connection's headers never go to another server.
    /// </summary>
    private Uri ResolveUrl(string urlText, Connection? connection)
    {
        var shown = urlText.Length > 100 ? urlText[..100] + "…" : urlText;
        if (connection?.Setting("BaseUrl") is not { } baseText)
        {
            if (TryHttpUrl(urlText, out var absolute)) return absolute;
            var why = connection is null ? "" : $" (connection '{connection.Name}' has no BaseUrl to resolve it against)";
            throw new NodeException($"{_settings.Url.Label} rendered to '{shown}', which is not an absolute http:// or https:// URL{why}.");
        }
        var baseUrl = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/", UriKind.Absolute);
        var trimmed = urlText.Trim();
        var resolved = Uri.TryCreate(trimmed, UriKind.Absolute, out var given) && given.Scheme is "http" or "https" ? given
            : Uri.TryCreate(baseUrl, trimmed.TrimStart('/'), out var relative) ? relative : null;
        if (resolved is null || !GuardedHttpClient.IsHttpUrl(resolved))
        {
            throw new NodeException($"{_settings.Url.Label} rendered to '{shown}', which is not a URL relative to {baseUrl} or an absolute http(s) URL.");
        }
        if (Uri.Compare(resolved, baseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new NodeException(
                $"{_settings.Url.Label} rendered to '{shown}', which is not on {baseUrl.GetLeftPart(UriPartial.Authority)}, the BaseUrl of connection '{connection.Name}'; its headers are only sent there.");
        }
        return resolved;
    }

    private static HttpMethod? ReadMethod(NodeSetup setup)
    {
        var text = setup.String("method");
        if (text is null) return HttpMethod.Get;
        var method = Methods.FirstOrDefault(m => m.Method.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (method is null) setup.Problem("method", $"'{text}' is not a method the HTTP tool sends; use GET, POST, PUT, PATCH, DELETE or HEAD.");
        return method;
    }

    // headers and query are objects of templates; the values are read as one JsonTemplate, which keeps each path.
    private static JsonTemplate? ReadPairs(NodeSetup setup, string field, string valueRule, bool allowScalars)
    {
        switch (setup.Node.Config[field])
        {
            case null:
                return null;
            case JsonObject pairs:
                var fine = true;
                foreach (var (name, value) in pairs)
                {
                    var kind = value?.GetValueKind();
                    if (kind == JsonValueKind.String || (allowScalars && kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)) continue;
                    setup.Problem($"{field}/{name}", char.ToUpperInvariant(valueRule[0]) + valueRule[1..]);
                    fine = false;
                }
                var template = setup.JsonTemplate(field, credential: true);
                return fine ? template : null;
            default:
                setup.Problem(field, $"{field} must be an object of names and values.");
                return null;
        }
    }

    private static void CheckHeaderName(NodeSetup setup, string name)
    {
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            setup.Problem($"headers/{name}", $"'{name}' is not a valid header name.");
        }
        else if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            setup.Problem($"headers/{name}", $"{name} is set by the HTTP tool and cannot be given.");
        }

        // RFC 9110 token characters.
        static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
    }

    private static bool TryHttpUrl(string text, out Uri url) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out url!) && GuardedHttpClient.IsHttpUrl(url);

    private async ValueTask<List<KeyValuePair<string, string>>> EvaluatePairsAsync(JsonTemplate template, RunScope scope, string field)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in (await template.EvaluateAsync(scope)).EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Null:
                    // A value that renders to nothing leaves the header or parameter out.
                    continue;
                case JsonValueKind.String:
                    // Secrets are substituted now, after templating, so that no filter or output ever held them.
                    pairs.Add(new(property.Name, ResolveSecrets(property.Value.GetString()!, scope, field, property.Name)));
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    pairs.Add(new(property.Name, property.Value.GetRawText()));
                    break;
                default:
                    throw new NodeException(
                        $"{_settings.Path}/config/{field}/{property.Name} rendered to an {property.Value.ValueKind.ToString().ToLowerInvariant()}; it must give text.");
            }
        }
        return pairs;
    }

    private string ResolveSecrets(string rendered, RunScope scope, string field, string name)
    {
        try
        {
            return SecretReferences.Resolve(rendered, scope);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeException($"{_settings.Path}/config/{field}/{name}: {ex.Message}", ex);
        }
    }

    private static Uri AppendQuery(Uri url, List<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0) return url;
        var builder = new UriBuilder(url);
        var query = new StringBuilder(builder.Query.TrimStart('?'));
        foreach (var (name, value) in pairs)
        {
            if (query.Length > 0) query.Append('&');
            query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        builder.Query = query.ToString();
        return builder.Uri;
    }

    private static JsonElement BodyOf(HttpToolResponse response)
    {
        if (response.Body.Length == 0) return Null;
        if (!response.IsJson) return JsonSerializer.SerializeToElement(response.ReadText());
        try
        {
            return JsonElement.Parse(response.ReadText());
        }
        catch (JsonException ex) when (response.IsSuccess)
        {
            throw new NodeException(
                $"{GuardedHttpClient.Describe(response.Method, response.Url)} answered with {response.MediaType} that is not valid JSON: {ex.Message}", ex);
        }
        catch (JsonException)
        {
            // An error page labelled JSON that is not (a proxy's HTML, say) is kept as text for fullResponse to show.
            return JsonSerializer.SerializeToElement(response.ReadText());
        }
    }

    private static JsonElement FullOutput(HttpToolResponse response)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in response.Headers) headers[name] = value;
        var output = new JsonObject
        {
            ["status"] = response.Status,
            ["headers"] = headers,
            ["body"] = JsonSerializer.SerializeToNode(BodyOf(response)),
        };
        return JsonSerializer.SerializeToElement(output);
    }

    /// <summary>The compiled config of one node.</summary>
    private sealed record Settings(string Path, HttpMethod Method, Template Url, JsonTemplate? Headers, JsonTemplate? Query, JsonTemplate? Body)
    {
        public string? Connection { get; init; }

        public bool FullResponse { get; init; }

        public TimeSpan? Timeout { get; init; }

        public int? Retries { get; init; }
    }

    /// <summary>
    /// One client per clock, so that every node of a registry shares its connection pool; the engine's clock drives
    /// retry delays and timeouts, so a test clock gets a client of its own.
    /// </summary>
    private sealed class Clients(BuiltInNodeOptions options)
    {
        private readonly ConcurrentDictionary<TimeProvider, Lazy<GuardedHttpClient>> _clients = new();

        public GuardedHttpClient For(TimeProvider time) =>
            _clients.GetOrAdd(time, t => new Lazy<GuardedHttpClient>(() => new GuardedHttpClient(options.Http, t))).Value;
    }
}
