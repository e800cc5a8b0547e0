using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// The real host on Kestrel at a free loopback port, with a fresh SQLite file — or, when
/// <c>CHATFLOWS_TEST_STORAGE=postgres</c> (<see cref="TestDatabases.HostStorage"/>), a fresh PostgreSQL database —
/// shared by the tests of <see cref="HostCollection"/>: every request crosses real HTTP. Tests keep apart by using
/// their own workflow ids, and check what is stored through the host's own <see cref="StoreDatabase"/>, so that they
/// pass unchanged on both providers.
/// </summary>
public sealed class HostFixture : IAsyncLifetime
{
    /// <summary>The name of the secret webhook triggers reference as <c>{{ secrets.TEST_HOOK }}</c>.</summary>
    public const string HookSecretName = "TEST_HOOK";

    public const string HookSecret = "hook-secret-for-tests";

    /// <summary>The chat identity this host lists in <c>ChatFlows:Chat:Admins</c>.</summary>
    public const string ChatAdmin = "playground:root";

    /// <summary>The webhook body limit of this host, small so that oversized bodies stay cheap to send.</summary>
    public const int MaxWebhookBytes = 64 * 1024;

    // The seeded samples name these connections; servers that are never there keep the samples valid.
    private static readonly Dictionary<string, string> SampleConnections = new()
    {
        ["ChatFlows:Connections:team-mail:Type"] = "mail",
        ["ChatFlows:Connections:team-mail:Workflows"] = "*",
        ["ChatFlows:Connections:team-mail:ImapHost"] = "127.0.0.1",
        ["ChatFlows:Connections:team-mail:ImapPort"] = "1",
        ["ChatFlows:Connections:team-mail:SmtpHost"] = "127.0.0.1",
        ["ChatFlows:Connections:team-mail:SmtpPort"] = "1",
        ["ChatFlows:Connections:team-mail:UserName"] = "team@example.test",
        ["ChatFlows:Connections:github:Type"] = "github",
        ["ChatFlows:Connections:github:Workflows"] = "*",
        ["ChatFlows:Connections:github:ApiBaseUrl"] = "http://127.0.0.1:1/",
    };

    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(15);
    private static readonly string[] Ended = ["succeeded", "failed", "cancelled", "expired"];

    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-host-").FullName;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ILoggerProvider? _logs;
    private readonly Action<IServiceCollection>? _services;
    private WebApplicationFactory<Program>? _factory;

    public HostFixture()
        : this(SampleConnections)
    {
    }

    /// <summary>
    /// A host with configuration keys of its own on top of the shared ones (its own tests start and stop it), a
    /// provider that receives its log lines, and services added after the host's own (an in-memory span exporter), when given.
    /// </summary>
    internal HostFixture(IReadOnlyDictionary<string, string> settings, ILoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _logs = logs;
        _services = services;
    }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The host's SQLite file (when <see cref="Storage"/> is SQLite), for tests of SQLite itself.</summary>
    public string DatabasePath => Path.Combine(_folder, "chatflows.db");

    /// <summary>Where the host stores everything: <see cref="TestDatabases.HostStorage"/>, unless the settings name a connection string.</summary>
    public StorageProvider Storage { get; private set; }

    /// <summary>The host's database, for tests that check what is stored (with SQL both providers understand).</summary>
    public StoreDatabase Database => Services.GetRequiredService<StoreDatabase>();

    /// <summary>The host's services, for tests that drive a component the way the engine does (a chat channel posting).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Settings that name a database (a second host on the first one's file) keep it; otherwise the provider under test.
        Storage = _settings.ContainsKey("ChatFlows:Storage:ConnectionString") ? StorageProvider.Sqlite : TestDatabases.HostStorage;
        var storage = Storage == StorageProvider.Postgres
            ? new Dictionary<string, string>
            {
                ["ChatFlows:Storage:Provider"] = "postgres",
                ["ChatFlows:Storage:ConnectionString"] = await TestDatabases.CreatePostgresAsync(),
            }
            : new Dictionary<string, string> { ["ChatFlows:Storage:ConnectionString"] = $"Data Source={DatabasePath}" };
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder
                // A free port: without an address of its own the host takes its default, localhost:5080.
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Runs:PollInterval", "00:00:00.050")
                .UseSetting($"ChatFlows:Secrets:{HookSecretName}", HookSecret)
                .UseSetting("ChatFlows:Webhooks:MaxBodyBytes", MaxWebhookBytes.ToString(CultureInfo.InvariantCulture))
                .UseSetting("ChatFlows:Webhooks:ResponseTimeout", "00:00:10")
                .UseSetting("ChatFlows:Chat:Admins:0", ChatAdmin);
            foreach (var (key, value) in storage) builder.UseSetting(key, value);
            foreach (var (key, value) in _settings) builder.UseSetting(key, value);
            if (_logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(_logs));
            if (_services is not null) builder.ConfigureServices(_services);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        _factory = factory;
        BaseAddress = factory.ClientOptions.BaseAddress;
        // A plain client on the server's address, not the factory's in-memory handler.
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var json = await ReadJsonAsync(response);
        if (path.StartsWith("/playground/api/", StringComparison.Ordinal)) ConformanceRecorder.RecordPlaygroundCards(path, json);
        return json;
    }

    // As deep as the host may answer: a payload accepted at the input limit sits a few levels down in a run.
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonElement.Parse(await response.Content.ReadAsStringAsync(), new JsonDocumentOptions { MaxDepth = ChatFlows.Core.Documents.StrictJson.StoredMaxDepth });

    /// <summary>Creates a workflow through the API and returns the saved document.</summary>
    public async Task<JsonElement> CreateWorkflowAsync(string json)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ReadJsonAsync(response);
    }

    /// <summary>
    /// Stores a workflow document as version 1 through the host's workflow store, past the API's validation, as a
    /// workflow saved before a rule it breaks existed (or whose agent was deleted since) is stored.
    /// </summary>
    public async Task StoreUncheckedAsync(string id, string json)
    {
        var document = WorkflowJson.Parse(json);
        Assert.Equal(id, document.Id);
        var stored = await Services.GetRequiredService<IWorkflowStore>().CreateAsync(document);
        Assert.True(stored is not null, $"The workflow id {id} is taken.");
    }

    /// <summary>Posts <paramref name="text"/> as <paramref name="user"/> to a Playground channel (created if need be) and returns the bot's reply.</summary>
    public async Task<JsonElement> ChatAsync(string channel, string user, string text)
    {
        using (var created = await SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name = channel })))
        {
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        using var response = await SendAsync(HttpMethod.Post, $"/playground/api/channels/{channel}/messages", JsonSerializer.Serialize(new { user, text }));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await ReadJsonAsync(response)).GetProperty("reply");
    }

    /// <summary>Starts a run with Play and returns its id.</summary>
    public async Task<string> StartRunAsync(string workflowId, string payload = "{}")
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/workflows/{workflowId}/runs", payload);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await ReadJsonAsync(response)).GetProperty("runId").GetString()!;
    }

    /// <summary>Polls the run until it is in one of <paramref name="statuses"/> (default: ended), failing after a deadline.</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, params string[] statuses)
    {
        if (statuses.Length == 0) statuses = Ended;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await GetJsonAsync($"/api/runs/{runId}");
            var status = run.GetProperty("status").GetString();
            if (statuses.Contains(status)) return run;
            Assert.True(clock.Elapsed < RunDeadline, $"Run {runId} is still {status} after {RunDeadline.TotalSeconds:0} s, not {string.Join(" or ", statuses)}.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Reads a run's server-sent events until the server ends the stream. <paramref name="connected"/> runs once the
    /// response headers are in, before any event is read.
    /// </summary>
    public async Task<IReadOnlyList<ServerSentEvent>> ReadEventsAsync(string runId, Func<Task>? connected = null)
    {
        using var timeout = new CancellationTokenSource(RunDeadline);
        using var response = await Client.GetAsync($"/api/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        if (connected is not null) await connected();

        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var events = new List<ServerSentEvent>();
        string? type = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(new ServerSentEvent(type!, JsonElement.Parse(line["data: ".Length..])));
        }
        return events;
    }

    /// <summary>A problem+json answer's body, checking its media type.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await ReadJsonAsync(response);
    }
}
