using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Http;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary>
/// What a synchronous webhook run leaves in the store, over real HTTP (README §Webhooks): a run of pure nodes is
/// stored whole before its caller is answered; a run with an HTTP node is stored before the request is sent.
/// </summary>
public sealed class WebhookJournalTests : IAsyncLifetime
{
    private const string Secret = "journal-secret";
    private const string Order = """{"orderId": "A-21", "quantity": 12, "packSize": 4}""";
    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1" });
    private HttpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await HttpTestServer.StartAsync();
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Post_RespondingWorkflowOfPureNodes_EachAnsweredRunIsAlreadyStoredWholeAndAudited()
    {
        await _host.CreateWorkflowAsync(TestWorkflows.RespondingHook("hook-pure", Secret, status: 200));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync("hook-pure", Order);
            answers.Add(response.StatusCode);
        }
        // Read at once, without waiting: an answered run is in the store already.
        var runs = (await _host.GetJsonAsync("/api/runs?workflow=hook-pure")).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], answers);
        Assert.Equal(3, runs.Length);
        foreach (var summary in runs)
        {
            var runId = summary.GetProperty("id").GetString()!;
            var run = await _host.GetJsonAsync($"/api/runs/{runId}");
            Assert.Equal("succeeded", run.GetProperty("status").GetString());
            Assert.Equal("webhook", run.GetProperty("startedBy").GetString());
            Assert.Equal(["succeeded", "succeeded", "succeeded"], run.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("status").GetString()));
            Assert.Equal(3, run.GetProperty("data").GetProperty("packing").GetProperty("packs").GetInt32());
            var audit = (await _host.GetJsonAsync($"/api/audit?action=run.started&target={runId}")).GetProperty("items");
            Assert.Equal("webhook", Assert.Single(audit.EnumerateArray()).GetProperty("actor").GetString());
        }
    }

    [Fact]
    public async Task Post_RespondingWorkflowWithAnHttpNode_TheRunIsStoredBeforeTheRequestIsSent()
    {
        var seenByTheServer = new List<string?>();
        _server.Map("/check", async (context, _) =>
        {
            var stored = (await _host.GetJsonAsync("/api/runs?workflow=hook-http")).GetProperty("items").EnumerateArray().ToArray();
            lock (seenByTheServer) seenByTheServer.AddRange(stored.Select(r => r.GetProperty("status").GetString()));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"ok": true}""");
        });
        await _host.CreateWorkflowAsync("""
            {
              "id": "hook-http",
              "nodes": [
                {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "SECRET"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "CHECK_URL"}},
                {"id": "answer", "type": "output", "config": {"kind": "respond", "body": {"ok": "{{ data.call.ok }}"}}}
              ],
              "edges": [{"from": "hook", "to": "call"}, {"from": "call", "to": "answer"}]
            }
            """.Replace("SECRET", Secret, StringComparison.Ordinal).Replace("CHECK_URL", _server.Url("/check"), StringComparison.Ordinal));

        using var response = await PostAsync("hook-http", Order);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Stored (queued, or already marked running) before the node that acts outside the run sent anything.
        Assert.Contains(Assert.Single(seenByTheServer), new[] { "queued", "running" });
    }

    [Fact]
    public async Task Post_PureRunWhoseCommitTheDatabaseRefuses_Answers503WithoutARunIdAndLeavesNoRun()
    {
        await _host.CreateWorkflowAsync(TestWorkflows.RespondingHook("hook-refused", Secret, status: 200));
        // The database refuses to store this workflow's runs, as a full disk or a broken file would.
        await ExecuteAsync(_host.Storage == StorageProvider.Postgres
            ? """
              create function refuse_hook_runs() returns trigger language plpgsql as $$ begin raise exception 'database refused (test)'; end $$;
              create trigger refuse_hook_runs before insert on runs for each row when (new.workflow_id = 'hook-refused') execute function refuse_hook_runs();
              """
            : "create trigger refuse_hook_runs before insert on runs when new.workflow_id = 'hook-refused' begin select raise(abort, 'database refused (test)'); end;");

        using (var refused = await PostAsync("hook-refused", Order))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var problem = await HostFixture.ReadProblemAsync(refused);
            Assert.Equal("The run was not stored.", problem.GetProperty("title").GetString());
            Assert.Contains("Send the request again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(problem.TryGetProperty("runId", out _));
        }
        Assert.Empty((await _host.GetJsonAsync("/api/runs?workflow=hook-refused")).GetProperty("items").EnumerateArray());

        // Once the database stores runs again, the same request is answered and its run kept.
        await ExecuteAsync("drop trigger refuse_hook_runs" + (_host.Storage == StorageProvider.Postgres ? " on runs" : ""));
        using (var answered = await PostAsync("hook-refused", Order))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        var kept = Assert.Single((await _host.GetJsonAsync("/api/runs?workflow=hook-refused")).GetProperty("items").EnumerateArray());
        Assert.Equal("succeeded", kept.GetProperty("status").GetString());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _host.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<HttpResponseMessage> PostAsync(string workflowId, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
        return await _host.Client.SendAsync(request);
    }
}
