using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Tests.Agents;
using ChatFlows.Core.Tests.Github;
using ChatFlows.Core.Tests.Http;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Templates;

/// <summary>
/// The real host with everything the templates' settings ask for, all local: their webhook secrets, http connections
/// to a local HTTP server, a SQLite reports database, the fake GitHub, a model profile on the fake model server, and
/// the Playground for chat. No samples are seeded, so only the templates' command names are taken.
/// </summary>
public sealed class TemplateHost : IAsyncLifetime
{
    public const string DeployToken = "Bearer deploy-token-5f2a";
    public const string Repository = "octo-org/website";

    /// <summary>The webhook secret of each template that has one, as its settings name it.</summary>
    public static readonly IReadOnlyDictionary<string, string> HookSecrets = new Dictionary<string, string>
    {
        ["UPTIME_HOOK"] = "uptime-secret-1",
        ["INCIDENT_HOOK"] = "incident-secret-2",
        ["FORM_HOOK"] = "form-secret-3",
        ["RELAY_HOOK"] = "relay-secret-4",
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-templates-").FullName;

    public HostFixture Host { get; private set; } = null!;

    internal HttpTestServer Server { get; private set; } = null!;

    internal FakeModelServer Model { get; private set; } = null!;

    internal FakeGitHub Github { get; private set; } = null!;

    public string ReportsPath => Path.Combine(_folder, "reports.db");

    public async Task InitializeAsync()
    {
        Server = await HttpTestServer.StartAsync();
        Model = await FakeModelServer.StartAsync();
        Github = await FakeGitHub.StartAsync();
        Github.AddRepository(Repository);
        var settings = new Dictionary<string, string>
        {
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1",
            ["ChatFlows:Models:local:Provider"] = "openai-compatible",
            ["ChatFlows:Models:local:Model"] = "llama3.1",
            ["ChatFlows:Models:local:Endpoint"] = Model.Endpoint,
            ["ChatFlows:Connections:github:Type"] = "github",
            ["ChatFlows:Connections:github:Workflows"] = "*",
            ["ChatFlows:Connections:github:Token"] = FakeGitHub.Token,
            ["ChatFlows:Connections:github:ApiBaseUrl"] = Github.BaseUrl,
            ["ChatFlows:Connections:reports-db:Type"] = "database",
            ["ChatFlows:Connections:reports-db:Workflows"] = "weekly-sql-report",
            ["ChatFlows:Connections:reports-db:Provider"] = "sqlite",
            ["ChatFlows:Connections:reports-db:ConnectionString"] = $"Data Source={ReportsPath}",
        };
        foreach (var (name, path) in new[] { ("tickets-api", "/tickets/"), ("jobs-api", "/jobs-api/") })
        {
            settings[$"ChatFlows:Connections:{name}:Type"] = "http";
            settings[$"ChatFlows:Connections:{name}:Workflows"] = "*";
            settings[$"ChatFlows:Connections:{name}:BaseUrl"] = Server.Url(path);
        }
        foreach (var (name, value) in HookSecrets) settings[$"ChatFlows:Secrets:{name}"] = value;
        Host = new HostFixture(settings);
        await Host.InitializeAsync();
        // Saved through the API, as a person would from the dashboard: its Authorization header is a credential.
        var deployApi = JsonSerializer.Serialize(new { type = "http", workflows = new[] { "*" }, settings = new { BaseUrl = Server.Url("/deploy/"), Headers = new { Authorization = DeployToken } } });
        using var saved = await Host.SendAsync(HttpMethod.Put, "/api/connections/deploy-api", deployApi);
        Assert.True(saved.IsSuccessStatusCode, $"{(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Github.DisposeAsync();
        await Model.DisposeAsync();
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    /// <summary>Posts <paramref name="body"/> to the workflow's webhook, signed as its caller would.</summary>
    public async Task<HttpResponseMessage> PostHookAsync(string workflowId, string secretName, object body)
    {
        var json = JsonSerializer.Serialize(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(json) };
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HookSecrets[secretName]), Encoding.UTF8.GetBytes(json)));
        request.Headers.Add("X-ChatFlows-Signature", $"sha256={signature}");
        return await Host.Client.SendAsync(request);
    }

    /// <summary>The texts posted to a Playground channel, oldest first.</summary>
    public async Task<string[]> ChannelTextsAsync(string channel) =>
        (await Host.GetJsonAsync($"/playground/api/channels/{channel}/messages")).EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToArray();

    /// <summary>Approves the approval a run waits at, as this machine's local user.</summary>
    public async Task ApproveAsync(string runId)
    {
        await Host.WaitForRunAsync(runId, "waiting");
        using var decided = await Host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "approve"}""");
        Assert.True(decided.StatusCode == HttpStatusCode.Accepted, $"{(int)decided.StatusCode} {await decided.Content.ReadAsStringAsync()}");
    }
}
