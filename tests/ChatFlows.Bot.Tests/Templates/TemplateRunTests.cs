using System.Net;
using System.Text.Json;
using ChatFlows.Canvas.Templates;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Agents;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Templates;

/// <summary>
/// README §Templates: every template of the shipped folder validates with the host's node registry, and runs: created
/// through the API as the editor saves it (agents first), started the way its trigger would be (a signed webhook,
/// /run in the Playground, a plain chat message, Play for a schedule), it reaches its end with the message or answer
/// a person would see.
/// </summary>
public sealed class TemplateRunTests(TemplateHost fixture) : IClassFixture<TemplateHost>
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "templates");

    private readonly HostFixture _host = fixture.Host;

    public static TheoryData<string> TemplateIds() => new(Ids());

    private static string[] Ids() => Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Folder_ShippedBesideTheHost_HoldsAtLeastTenTemplatesWithTheUptimeCheck()
    {
        var ids = Ids();
        Assert.True(ids.Length >= 10, string.Join(", ", ids));
        Assert.Contains("uptime-check", ids);
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public async Task Template_ReadWithItsAgents_ValidatesWithTheHostsRegistryAndDescribesItself(string id)
    {
        var template = TemplateLibrary.Read(await File.ReadAllTextAsync(Path.Combine(Folder, $"{id}.json")));
        await CreateAgentsAsync(id);

        var problems = _host.Services.GetRequiredService<WorkflowEngine>().Validate(template.Workflow);

        Assert.True(problems.Count == 0, string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
        Assert.Equal(id, template.Id);
        Assert.Equal(2, template.Description.Split(". ", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.NotEmpty(template.Settings);
        Assert.All(template.Workflow.Nodes, n => Assert.False(string.IsNullOrWhiteSpace(n.Name), $"node {n.Id} has no name"));
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public async Task Template_CreatedThroughTheApiAndStartedAsItsTriggerWould_ReachesItsEnd(string id)
    {
        await CreateAgentsAsync(id);
        var template = await _host.GetJsonAsync($"/api/templates/{id}");
        await _host.CreateWorkflowAsync(template.GetProperty("workflow").GetRawText());

        Assert.True(Scenarios.TryGetValue(id, out var scenario), $"The template {id} has no run scenario in {nameof(TemplateRunTests)}.");
        await scenario(this);
    }

    private static readonly Dictionary<string, Func<TemplateRunTests, Task>> Scenarios = new()
    {
        ["uptime-check"] = t => t.UptimeCheckAsync(),
        ["deploy-approval"] = t => t.DeployApprovalAsync(),
        ["daily-digest"] = t => t.DailyDigestAsync(),
        ["incident-intake"] = t => t.IncidentIntakeAsync(),
        ["ask-agent"] = t => t.AskAgentAsync(),
        ["github-issue-from-chat"] = t => t.GithubIssueAsync(),
        ["weekly-sql-report"] = t => t.WeeklySqlReportAsync(),
        ["job-poll"] = t => t.JobPollAsync(),
        ["it-faq"] = t => t.ItFaqAsync(),
        ["form-intake"] = t => t.FormIntakeAsync(),
        ["chat-with-agent"] = t => t.ChatWithAgentAsync(),
        ["event-relay"] = t => t.EventRelayAsync(),
    };

    // The agents a template brings are created first, as the editor does when the workflow is saved.
    private async Task CreateAgentsAsync(string id)
    {
        var template = await _host.GetJsonAsync($"/api/templates/{id}");
        foreach (var agent in template.GetProperty("agents").EnumerateArray())
        {
            using var response = await _host.SendAsync(HttpMethod.Post, "/api/agents", agent.GetRawText());
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<JsonElement> SucceededAsync(string runId)
    {
        var run = await _host.WaitForRunAsync(runId);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.GetRawText());
        return run;
    }

    private async Task<string> StartedByChatAsync(string channel, string text)
    {
        var reply = await _host.ChatAsync(channel, "ada", text);
        Assert.True(reply.TryGetProperty("runId", out var runId) && runId.ValueKind == JsonValueKind.String, reply.GetRawText());
        return runId.GetString()!;
    }

    // Polls until the value is there, failing after the same deadline as a run's.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > TimeSpan.FromSeconds(15)) return value;
            await Task.Delay(50);
        }
    }

    private static JsonElement Output(JsonElement run, string nodeId) =>
        run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == nodeId).GetProperty("output");

    private static string NodeStatus(JsonElement run, string nodeId) =>
        run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == nodeId).GetProperty("status").GetString()!;

    private async Task UptimeCheckAsync()
    {
        fixture.Server.Map("/health", 200, """{"ok": true}""");
        fixture.Server.Map("/broken", 503, """{"ok": false}""");

        foreach (var (path, expected) in new[] { ("/health", "✅ {0} is up (HTTP 200)."), ("/broken", "🔴 {0} is down: HTTP 503.") })
        {
            var url = fixture.Server.Url(path);
            using var response = await fixture.PostHookAsync("uptime-check", "UPTIME_HOOK", new { url });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await SucceededAsync((await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!);
            Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, url), (await fixture.ChannelTextsAsync("ops"))[^1]);
        }
    }

    private async Task DeployApprovalAsync()
    {
        fixture.Server.Map("/deploy/deployments", 201, """{"id": "dep-42"}""");

        var runId = await StartedByChatAsync("tpl-deploy", "/run deploy service=web version=1.4.2");
        await fixture.ApproveAsync(runId);
        var run = await SucceededAsync(runId);

        var sent = Assert.Single(fixture.Server.Received("/deploy/deployments"));
        Assert.Equal("POST", sent.Method);
        Assert.Equal(TemplateHost.DeployToken, sent.Header("Authorization"));
        var body = JsonElement.Parse(sent.Body);
        Assert.Equal("web", body.GetProperty("service").GetString());
        Assert.Equal("1.4.2", body.GetProperty("version").GetString());
        Assert.Equal("🚀 Deploying web 1.4.2 (deployment dep-42), approved by local.", Output(run, "started").GetProperty("text").GetString());
    }

    private async Task DailyDigestAsync()
    {
        fixture.Server.Map("/tickets/open-tickets", 200, """[{"title": "Login times out", "assignee": "ada"}, {"title": "Export is slow"}]""");

        await SucceededAsync(await _host.StartRunAsync("daily-digest"));

        Assert.Equal("📋 2 open tickets:\n• Login times out (ada)\n• Export is slow (unassigned)", (await fixture.ChannelTextsAsync("general"))[^1]);
    }

    private async Task IncidentIntakeAsync()
    {
        using var response = await fixture.PostHookAsync("incident-intake", "INCIDENT_HOOK", new { title = "Checkout errors", severity = "high", service = "shop" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;

        await fixture.ApproveAsync(runId);
        await SucceededAsync(runId);

        Assert.Equal(
            ["🚨 HIGH incident on shop: Checkout errors", "👍 local owns \"Checkout errors\"."],
            await fixture.ChannelTextsAsync("incidents"));
    }

    private async Task AskAgentAsync()
    {
        fixture.Model.Reply = _ => ModelReply.Answer("Open the VPN client and choose Renew token.", 40, 9);

        var run = await SucceededAsync(await StartedByChatAsync("tpl-ask", "/run ask question=\"How do I renew my VPN token?\""));

        Assert.Contains("ada asks: How do I renew my VPN token?", fixture.Model.Requests[^1].Messages[^1].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("Open the VPN client and choose Renew token.", Output(run, "reply").GetProperty("text").GetString());
    }

    private async Task GithubIssueAsync()
    {
        var run = await SucceededAsync(await StartedByChatAsync("tpl-bug", "/run bug title=\"Login fails on Safari\" details=\"The button does nothing.\""));

        var issue = fixture.Github.Issue(TemplateHost.Repository, 1)!;
        Assert.Equal("Login fails on Safari", issue["title"]!.GetValue<string>());
        Assert.Equal(["bug", "from-chat"], issue["labels"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()));
        Assert.StartsWith("🐛 Opened #1: Login fails on Safari\n", Output(run, "reply").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private async Task WeeklySqlReportAsync()
    {
        await using (var db = new SqliteConnection($"Data Source={fixture.ReportsPath}"))
        {
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = "create table orders (id integer primary key, status text not null); insert into orders (status) values ('open'), ('shipped'), ('open');";
            await command.ExecuteNonQueryAsync();
        }

        await SucceededAsync(await _host.StartRunAsync("weekly-sql-report"));

        Assert.Equal("📊 Orders by status:\n• open: 2\n• shipped: 1", (await fixture.ChannelTextsAsync("reports"))[^1]);
    }

    private async Task JobPollAsync()
    {
        // The API hiccups once: the check is retried and the job is found done, so the run does not wait.
        var calls = 0;
        fixture.Server.Map("/jobs-api/jobs/4711", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return context.Response.WriteAsync("""{"error": "busy"}""");
            }
            return context.Response.WriteAsync("""{"state": "done"}""");
        });

        var run = await SucceededAsync(await StartedByChatAsync("tpl-job", "/run job id=4711"));

        Assert.Equal(2, fixture.Server.Received("/jobs-api/jobs/4711").Count);
        Assert.Equal("skipped", NodeStatus(run, "wait"));
        Assert.Equal("✅ Job 4711 is done.", Output(run, "report").GetProperty("text").GetString());
    }

    private async Task ItFaqAsync()
    {
        using var posted = await _host.SendAsync(HttpMethod.Post, "/playground/api/channels/general/messages", """{"user": "ada", "text": "My VPN keeps dropping, any idea?"}""");
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        // The message starts the run after the post is answered: its run is looked for until it is there.
        var runs = await EventuallyAsync(() => _host.GetJsonAsync("/api/runs?workflow=it-faq"), r => r.GetProperty("items").GetArrayLength() > 0);
        var run = await SucceededAsync(Assert.Single(runs.GetProperty("items").EnumerateArray()).GetProperty("id").GetString()!);

        Assert.StartsWith("VPN: install the client", Output(run, "reply").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private async Task ChatWithAgentAsync()
    {
        fixture.Model.Reply = request => request.Messages[^1].GetProperty("content").GetString() == "And tomorrow?"
            ? ModelReply.Answer("Tomorrow brings rain.", 30, 5)
            : ModelReply.Answer("Sunny today.", 20, 5);
        using (var channel = await _host.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name": "tpl-chat"}"""))
        {
            Assert.True(channel.IsSuccessStatusCode, await channel.Content.ReadAsStringAsync());
        }

        using var asked = await _host.SendAsync(HttpMethod.Post, "/playground/api/channels/tpl-chat/messages", """{"user": "ada", "text": "@ChatFlows weather in Lisbon?"}""");
        var root = (await HostFixture.ReadJsonAsync(asked)).GetProperty("message").GetProperty("id").GetInt64();
        var first = await EventuallyAsync(() => _host.GetJsonAsync("/api/runs?workflow=chat-with-agent"), r => r.GetProperty("items").GetArrayLength() > 0);
        await SucceededAsync(Assert.Single(first.GetProperty("items").EnumerateArray()).GetProperty("id").GetString()!);
        using var replied = await _host.SendAsync(
            HttpMethod.Post, "/playground/api/channels/tpl-chat/messages", JsonSerializer.Serialize(new { user = "ada", text = "And tomorrow?", threadId = root }));
        Assert.Equal(HttpStatusCode.Created, replied.StatusCode);
        var both = await EventuallyAsync(() => _host.GetJsonAsync("/api/runs?workflow=chat-with-agent"), r => r.GetProperty("items").GetArrayLength() > 1);
        var run = await SucceededAsync(both.GetProperty("items")[0].GetProperty("id").GetString()!);

        Assert.Equal("Tomorrow brings rain.", Output(run, "say").GetProperty("text").GetString());
        var history = fixture.Model.Requests[^1].Messages.Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToArray();
        Assert.Equal([("user", "weather in Lisbon?"), ("assistant", "Sunny today."), ("user", "And tomorrow?")], history[1..]);
    }

    // history: errors (docs/semantics.md §History policies): a delivered event leaves no run, a failed delivery stays.
    private async Task EventRelayAsync()
    {
        fixture.Server.Map("/relay/ok", 200, """{"stored": true}""");
        fixture.Server.Map("/relay/down", 503, """{"error": "maintenance"}""");
        var workflow = (await _host.GetJsonAsync("/api/workflows/event-relay")).GetRawText();
        foreach (var (path, version) in new[] { ("/relay/ok", 1), ("/relay/down", 2) })
        {
            var pointed = workflow.Replace("https://ingest.example.com/events", fixture.Server.Url(path), StringComparison.Ordinal);
            using var saved = await _host.SendAsync(HttpMethod.Put, "/api/workflows/event-relay", pointed, ifMatch: $"\"{version}\"");
            Assert.True(saved.StatusCode == HttpStatusCode.OK, $"{(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
            using var response = await fixture.PostHookAsync("event-relay", "RELAY_HOOK", new { kind = "signup", user = "ada" });
            if (path == "/relay/ok")
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.True((await HostFixture.ReadJsonAsync(response)).GetProperty("delivered").GetBoolean());
                Assert.Equal("ada", JsonDocument.Parse(Assert.Single(fixture.Server.Received("/relay/ok")).Body).RootElement.GetProperty("user").GetString());
                Assert.Empty((await _host.GetJsonAsync("/api/runs?workflow=event-relay")).GetProperty("items").EnumerateArray());
            }
            else
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                var runId = (await HostFixture.ReadProblemAsync(response)).GetProperty("runId").GetString();
                var kept = Assert.Single((await _host.GetJsonAsync("/api/runs?workflow=event-relay")).GetProperty("items").EnumerateArray());
                Assert.Equal((runId, "failed"), (kept.GetProperty("id").GetString(), kept.GetProperty("status").GetString()));
                var forward = (await _host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "forward");
                Assert.Equal(("failed", 3), (forward.GetProperty("status").GetString(), forward.GetProperty("attempts").GetInt32()));
            }
        }
    }

    private async Task FormIntakeAsync()
    {
        using var accepted = await fixture.PostHookAsync("form-intake", "FORM_HOOK", new { name = "Ada", email = "ada@example.com", message = "A quote for 20 seats, please." });
        using var refused = await fixture.PostHookAsync("form-intake", "FORM_HOOK", new { name = "Bob" });

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("Thanks Ada, we will get back to you.", (await HostFixture.ReadJsonAsync(accepted)).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("A name and a valid e-mail address are required.", (await HostFixture.ReadJsonAsync(refused)).GetProperty("error").GetString());
        // The answer is sent as soon as "Answer 202" ran; "Tell sales", on a branch of its own, may post a moment later.
        Assert.Equal(
            ["📨 New request from Ada <ada@example.com>: A quote for 20 seats, please."],
            await EventuallyAsync(() => fixture.ChannelTextsAsync("sales"), texts => texts.Length > 0));
    }
}
