using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Bot.Tests.Running;

/// <summary>
/// A workflow stored earlier that no longer validates (written straight into SQLite, as one saved before a rule it
/// breaks existed is stored): every entry point says what to fix, with its path, and starts nothing.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class BrokenWorkflowTests(HostFixture host)
{
    // A fax tool does not exist: the problem is at nodes/send/config/tool.
    private const string Broken = """
        {
          "id": "__ID__",
          "version": 1,
          "nodes": [
            {"id": "__TRIGGER__", "type": "trigger", "config": __CONFIG__},
            {"id": "send", "type": "tool", "config": {"tool": "fax"}}
          ],
          "edges": [{"from": "__TRIGGER__", "to": "send"}]
        }
        """;

    [Fact]
    public async Task StartRun_WorkflowThatNoLongerValidates_Returns409ListingProblemsWithPaths()
    {
        await host.StoreUncheckedAsync("broken-api", BrokenWorkflow("broken-api", "play", """{"kind": "manual"}"""));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/broken-api/runs", "{}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Equal("The workflow cannot run.", problem.GetProperty("title").GetString());
        var listed = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal("nodes/send/config/tool", listed.GetProperty("path").GetString());
        Assert.Contains("'fax' is not a tool", listed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("fix it in the canvas and save it again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=broken-api")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Webhook_SignedForWorkflowThatNoLongerValidates_Returns409ListingProblems()
    {
        await host.StoreUncheckedAsync("broken-hook", BrokenWorkflow("broken-hook", "hook", $$$"""{"kind": "webhook", "secret": "{{ secrets.{{{HostFixture.HookSecretName}}} }}"}"""));
        const string Body = """{"orderId": "B-1"}""";
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HostFixture.HookSecret), Encoding.UTF8.GetBytes(Body)));

        using var unsigned = await PostHookAsync("broken-hook", Body, "sha256=00");
        using var signed = await PostHookAsync("broken-hook", Body, signature);

        // Only a caller who holds the secret learns that the workflow exists and what is wrong with it.
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, signed.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(signed);
        Assert.Equal("nodes/send/config/tool", Assert.Single(problem.GetProperty("problems").EnumerateArray()).GetProperty("path").GetString());
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=broken-hook")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ChatCommand_WorkflowThatNoLongerValidates_AnswersWhatToFix()
    {
        await host.StoreUncheckedAsync("broken-chat", BrokenWorkflow("broken-chat", "cmd", """{"kind": "command", "command": "broken-chat-cmd"}"""));

        var reply = await host.ChatAsync("broken-chat", "ada", "/run broken-chat-cmd");

        var text = reply.GetProperty("text").GetString();
        Assert.StartsWith("`broken-chat` cannot run until its problems are fixed in the canvas: nodes/send/config/tool: 'fax' is not a tool", text, StringComparison.Ordinal);
        Assert.Null(reply.GetProperty("runId").GetString());
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=broken-chat")).GetProperty("items").EnumerateArray());
    }

    private static string BrokenWorkflow(string id, string trigger, string config) => Broken
        .Replace("__ID__", id, StringComparison.Ordinal).Replace("__TRIGGER__", trigger, StringComparison.Ordinal).Replace("__CONFIG__", config, StringComparison.Ordinal);

    private async Task<HttpResponseMessage> PostHookAsync(string workflowId, string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", signature);
        return await host.Client.SendAsync(request);
    }
}
