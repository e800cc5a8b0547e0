using System.Net;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests;

/// <summary>A new database gets the samples once; what a person does with them afterwards is kept across restarts.</summary>
public sealed class SampleSeedingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-seed-").FullName;

    [Fact]
    public async Task Start_NewDatabase_HasTheSampleWorkflowsAndAgents()
    {
        await using var host = Start();
        using var client = Client(host);

        var workflows = await GetIdsAsync(client, "/api/workflows");
        var agents = await GetIdsAsync(client, "/api/agents");

        // github-triage and mail-summary name connections this host does not have, so they wait (see below).
        Assert.Equal(["approved-orders", "deploy-approval", "deploy-check", "order-webhook", "release-board", "release-notes", "runbook-answers", "runbook-lookup", "service-status", "standup-digest"], workflows.Order());
        Assert.Contains("release-writer", agents);
        Assert.Contains("issue-triager", agents);
        Assert.Contains("ops-helper", agents);
        Assert.Contains("runbook-helper", agents);
    }

    [Fact]
    public async Task Restart_ConnectionASampleNeedsConfigured_SampleIsAddedThenAndValidates()
    {
        await using (var first = Start())
        {
            Assert.DoesNotContain("github-triage", await GetIdsAsync(Client(first), "/api/workflows"));
        }

        await using var second = Start(settings: new Dictionary<string, string>
        {
            ["ChatFlows:Connections:github:Type"] = "github",
            ["ChatFlows:Connections:github:Workflows"] = "github-triage",
            ["ChatFlows:Secrets:GITHUB_WEBHOOK"] = "sample-webhook-secret",
        });
        using var client = Client(second);
        var workflows = await GetIdsAsync(client, "/api/workflows");
        var stored = WorkflowJson.Parse(await client.GetStringAsync("/api/workflows/github-triage"));

        Assert.Contains("github-triage", workflows);
        Assert.DoesNotContain("mail-summary", workflows);
        Assert.Empty(second.Services.GetRequiredService<WorkflowEngine>().Validate(stored));
    }

    [Fact]
    public async Task Restart_AfterEditingAndDeletingSamples_KeepsWhatThePersonDid()
    {
        await using (var first = Start())
        {
            using var client = Client(first);
            var digest = JsonElement.Parse(await client.GetStringAsync("/api/workflows/standup-digest"));
            var edited = digest.GetRawText().Replace("\"name\":\"Standup digest\"", "\"name\":\"Our standup\"", StringComparison.Ordinal);
            Assert.NotEqual(digest.GetRawText(), edited);
            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/workflows/standup-digest") { Content = HostFixture.Json(edited) };
            put.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(put)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/workflows/order-webhook")).StatusCode);
        }

        await using var second = Start();
        using var again = Client(second);
        var workflows = await GetIdsAsync(again, "/api/workflows");
        var digestAfter = JsonElement.Parse(await again.GetStringAsync("/api/workflows/standup-digest"));

        Assert.DoesNotContain("order-webhook", workflows);
        Assert.Equal("Our standup", digestAfter.GetProperty("name").GetString());
        Assert.Equal(2, digestAfter.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Start_WorkflowWithASamplesIdAlreadyThere_IsNotOverwritten()
    {
        await using (var first = Start(seed: false))
        {
            using var client = Client(first);
            using var created = await client.PostAsync("/api/workflows", HostFixture.Json("""
                {"id": "deploy-check", "name": "Our own deploy check", "version": 1,
                 "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}}], "edges": []}
                """));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await using var second = Start();
        using var again = Client(second);
        var deploy = JsonElement.Parse(await again.GetStringAsync("/api/workflows/deploy-check"));

        Assert.Equal("Our own deploy check", deploy.GetProperty("name").GetString());
        Assert.Contains("standup-digest", await GetIdsAsync(again, "/api/workflows"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    private WebApplicationFactory<Program> Start(bool seed = true, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = Path.Combine(_folder, "chatflows.db");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder
                // A free port: without an address of its own the host takes its default, localhost:5080.
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={database}")
                .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(_folder, "keys"))
                .UseSetting("ChatFlows:Samples:Seed", seed ? "true" : "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    // A plain client on the server's address: requests cross real HTTP.
    private static HttpClient Client(WebApplicationFactory<Program> host) => new() { BaseAddress = host.ClientOptions.BaseAddress };

    private static async Task<string[]> GetIdsAsync(HttpClient client, string path)
    {
        var list = JsonElement.Parse(await client.GetStringAsync(path));
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
    }
}
