using System.Net;
using System.Text.Json;
using ChatFlows.Core.Widgets;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// README §Workspaces and roles, over real HTTP: secrets, connections, agents and widgets belong to the workspace of the
/// path. Another workspace lists none of them, and reading, changing or deleting one from there answers 404 as if it did
/// not exist; secret and connection names are each workspace's own, agent ids are the install's.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkspaceResourcesApiTests(HostFixture host) : IAsyncLifetime
{
    private const string A = "res-a";
    private const string B = "res-b";

    public async Task InitializeAsync()
    {
        await TestWorkspaces.EnsureAsync(host.Services, A);
        await TestWorkspaces.EnsureAsync(host.Services, B);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Secrets_SameNameInTwoWorkspaces_EachListsItsOwnAndDeletingInOneLeavesTheOther()
    {
        using var inA = await host.SendAsync(HttpMethod.Put, $"/api/w/{A}/secrets/RES_SHARED_TOKEN", """{"value": "token-of-a-1111"}""");
        using var inB = await host.SendAsync(HttpMethod.Put, $"/api/w/{B}/secrets/RES_SHARED_TOKEN", """{"value": "token-of-b-2222"}""");
        using var onlyA = await host.SendAsync(HttpMethod.Put, $"/api/w/{A}/secrets/RES_A_ONLY", """{"value": "only-in-a-3333"}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (inA.StatusCode, inB.StatusCode));
        Assert.Equal($"/api/w/{A}/secrets/RES_SHARED_TOKEN", inA.Headers.Location?.OriginalString);
        Assert.Equal(["RES_A_ONLY", "RES_SHARED_TOKEN"], await SecretNamesAsync(A));
        Assert.Equal(["RES_SHARED_TOKEN"], await SecretNamesAsync(B));
        Assert.DoesNotContain("RES_SHARED_TOKEN", await SecretNamesAsync(null));

        using var deletedFromB = await host.SendAsync(HttpMethod.Delete, $"/api/w/{B}/secrets/RES_A_ONLY");
        Assert.Equal(HttpStatusCode.NotFound, deletedFromB.StatusCode);
        using var deleted = await host.SendAsync(HttpMethod.Delete, $"/api/w/{B}/secrets/RES_SHARED_TOKEN");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await SecretNamesAsync(B));
        Assert.Equal(["RES_A_ONLY", "RES_SHARED_TOKEN"], await SecretNamesAsync(A));
    }

    [Fact]
    public async Task Connections_SameNameInTwoWorkspaces_EachListsItsOwnSettingsAndDeletingInOneLeavesTheOther()
    {
        using var inA = await host.SendAsync(HttpMethod.Put, $"/api/w/{A}/connections/res-api",
            """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://a.example.test/", "Headers": {"Authorization": "Bearer conn-a-4444"}}}""");
        using var inB = await host.SendAsync(HttpMethod.Put, $"/api/w/{B}/connections/res-api",
            """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://b.example.test/"}}""");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (inA.StatusCode, inB.StatusCode));
        Assert.Equal($"/api/w/{A}/connections/res-api", inA.Headers.Location?.OriginalString);
        Assert.Equal("https://a.example.test/", (await ConnectionAsync(A, "res-api"))!.Value.GetProperty("settings").GetProperty("BaseUrl").GetString());
        Assert.Equal("https://b.example.test/", (await ConnectionAsync(B, "res-api"))!.Value.GetProperty("settings").GetProperty("BaseUrl").GetString());
        Assert.Empty((await ConnectionAsync(B, "res-api"))!.Value.GetProperty("credentials").EnumerateArray());
        Assert.Null(await ConnectionAsync(null, "res-api"));

        using var deleted = await host.SendAsync(HttpMethod.Delete, $"/api/w/{A}/connections/res-api");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await ConnectionAsync(A, "res-api"));
        Assert.NotNull(await ConnectionAsync(B, "res-api"));
        using var again = await host.SendAsync(HttpMethod.Delete, $"/api/w/{A}/connections/res-api");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Agents_OfAnotherWorkspace_AreNotFoundThereAndTheirIdIsTakenWithoutNamingTheWorkspace()
    {
        using var created = await host.SendAsync(HttpMethod.Post, $"/api/w/{A}/agents", Agent("res-writer", "Write for team a."));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/w/{A}/agents/res-writer", created.Headers.Location?.OriginalString);

        using var get = await host.Client.GetAsync($"/api/w/{B}/agents/res-writer");
        using var put = await host.SendAsync(HttpMethod.Put, $"/api/w/{B}/agents/res-writer", Agent("res-writer", "Taken over by b."));
        using var delete = await host.SendAsync(HttpMethod.Delete, $"/api/w/{B}/agents/res-writer");
        using var getDefault = await host.Client.GetAsync("/api/agents/res-writer");
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { get.StatusCode, put.StatusCode, delete.StatusCode, getDefault.StatusCode });
        Assert.DoesNotContain("res-writer", await AgentIdsAsync(B));
        Assert.DoesNotContain("res-writer", await AgentIdsAsync(null));

        using var taken = await host.SendAsync(HttpMethod.Post, $"/api/w/{B}/agents", Agent("res-writer", "Team b's own."));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.DoesNotContain(A, await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var kept = await host.GetJsonAsync($"/api/w/{A}/agents/res-writer");
        Assert.Equal(("Write for team a.", 1), (kept.GetProperty("instructions").GetString(), kept.GetProperty("version").GetInt32()));
        Assert.Contains("res-writer", await AgentIdsAsync(A));
    }

    [Fact]
    public async Task Agents_NamingAConnectionOfAnotherWorkspace_AreRefusedAsIfItDidNotExist()
    {
        using var connection = await host.SendAsync(HttpMethod.Put, $"/api/w/{A}/connections/res-agent-api",
            """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://a.example.test/"}}""");
        Assert.Equal(HttpStatusCode.Created, connection.StatusCode);

        using var refused = await host.SendAsync(HttpMethod.Post, $"/api/w/{B}/agents", Agent("res-b-caller", "Call a's API.", """, "connections": ["res-agent-api"]"""));
        using var accepted = await host.SendAsync(HttpMethod.Post, $"/api/w/{A}/agents", Agent("res-a-caller", "Call our API.", """, "connections": ["res-agent-api"]"""));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("There is no connection 'res-agent-api'", (await HostFixture.ReadProblemAsync(refused)).GetProperty("errors").GetProperty("connections/0")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task Widgets_OfAnotherWorkspace_AreNeitherListedNorReadNorDeletedThere()
    {
        await host.Services.GetRequiredService<IWidgetStore>().SetAsync(new WidgetUpdate
        {
            Name = "res-open-issues",
            Type = WidgetTypes.Number,
            Value = JsonSerializer.SerializeToElement(7),
            At = DateTimeOffset.UtcNow,
            RunId = "run-res-widget",
            WorkflowId = "res-board",
            Workspace = A,
            NodeId = "count",
        });

        using var get = await host.Client.GetAsync($"/api/w/{B}/widgets/res-open-issues");
        using var delete = await host.SendAsync(HttpMethod.Delete, $"/api/w/{B}/widgets/res-open-issues");
        using var getDefault = await host.Client.GetAsync("/api/widgets/res-open-issues");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { get.StatusCode, delete.StatusCode, getDefault.StatusCode });
        Assert.DoesNotContain("res-open-issues", await WidgetNamesAsync(B));
        Assert.DoesNotContain("res-open-issues", await WidgetNamesAsync(null));
        Assert.Contains("res-open-issues", await WidgetNamesAsync(A));
        Assert.Equal(7, (await host.GetJsonAsync($"/api/w/{A}/widgets/res-open-issues")).GetProperty("value").GetInt32());
    }

    private static string Agent(string id, string instructions, string extra = "") =>
        $$"""{"id": "{{id}}", "name": "Writer {{id}}", "instructions": "{{instructions}}"{{extra}}}""";

    private static string Api(string? workspace) => workspace is null ? "/api" : $"/api/w/{workspace}";

    private async Task<string[]> SecretNamesAsync(string? workspace) =>
        (await host.GetJsonAsync($"{Api(workspace)}/secrets")).GetProperty("items").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()!).Where(n => n.StartsWith("RES_", StringComparison.Ordinal)).ToArray();

    private async Task<JsonElement?> ConnectionAsync(string? workspace, string name) =>
        (await host.GetJsonAsync($"{Api(workspace)}/connections")).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == name).Select(c => (JsonElement?)c).SingleOrDefault();

    private async Task<string[]> AgentIdsAsync(string? workspace) =>
        (await host.GetJsonAsync($"{Api(workspace)}/agents")).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToArray();

    private async Task<string[]> WidgetNamesAsync(string? workspace) =>
        (await host.GetJsonAsync($"{Api(workspace)}/widgets")).GetProperty("items").EnumerateArray().Select(w => w.GetProperty("name").GetString()!).ToArray();
}
