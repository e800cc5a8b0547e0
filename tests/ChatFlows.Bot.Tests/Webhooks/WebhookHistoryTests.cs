using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary>Webhooks of workflows that keep few runs (docs/semantics.md §History policies), over real HTTP.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WebhookHistoryTests(HostFixture host)
{
    private const string Secret = "history-secret";
    private const string Order = """{"orderId": "A-17", "quantity": 12, "packSize": 4}""";
    private const string NoPackSize = """{"orderId": "A-18", "quantity": 12}""";

    [Fact]
    public async Task Post_NonePolicyWorkflow_AnswersTheRespondBodyAndKeepsNoRun()
    {
        await host.CreateWorkflowAsync(WithHistory(TestWorkflows.RespondingHook("hook-keep-none", Secret, status: 201), "none"));

        using var response = await PostAsync("hook-keep-none", Order);
        using var failure = await PostAsync("hook-keep-none", NoPackSize);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(("A-17", 3), (body.GetProperty("orderId").GetString(), body.GetProperty("packs").GetInt32()));
        Assert.Equal(HttpStatusCode.InternalServerError, failure.StatusCode);
        var failedRunId = (await HostFixture.ReadProblemAsync(failure)).GetProperty("runId").GetString();
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=hook-keep-none")).GetProperty("items").EnumerateArray());
        using var gone = await host.Client.GetAsync($"/api/runs/{failedRunId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Post_ErrorsPolicyWorkflow_KeepsOnlyTheFailedRunListed()
    {
        await host.CreateWorkflowAsync(WithHistory(TestWorkflows.RespondingHook("hook-keep-errors", Secret, status: 200), "errors"));

        using var success = await PostAsync("hook-keep-errors", Order);
        using var failure = await PostAsync("hook-keep-errors", NoPackSize);

        Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failure.StatusCode);
        var failedRunId = (await HostFixture.ReadProblemAsync(failure)).GetProperty("runId").GetString();
        var listed = Assert.Single((await host.GetJsonAsync("/api/runs?workflow=hook-keep-errors")).GetProperty("items").EnumerateArray());
        Assert.Equal((failedRunId, "failed"), (listed.GetProperty("id").GetString(), listed.GetProperty("status").GetString()));
        var run = await host.GetJsonAsync($"/api/runs/{failedRunId}");
        Assert.Equal("packing", run.GetProperty("error").GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task Post_ErrorsPolicyWorkflow_WritesNoAuditEntryPerCall()
    {
        await host.CreateWorkflowAsync(WithHistory(TestWorkflows.RespondingHook("hook-audit-errors", Secret, status: 200), "errors"));

        using var failure = await PostAsync("hook-audit-errors", NoPackSize);

        Assert.Equal(HttpStatusCode.InternalServerError, failure.StatusCode);
        var failedRunId = (await HostFixture.ReadProblemAsync(failure)).GetProperty("runId").GetString()!;
        Assert.Equal("failed", (await host.GetJsonAsync($"/api/runs/{failedRunId}")).GetProperty("status").GetString());
        Assert.Empty(await Audit.AuditReader.EntriesAsync(host, "run.started", failedRunId));
    }

    [Fact]
    public async Task Post_UnknownHistoryPolicy_Returns400NamingTheField()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", WithHistory(TestWorkflows.RespondingHook("hook-keep-bad", Secret, status: 200), "failures"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadAsStringAsync());
        Assert.Contains("\"history\"", problem, StringComparison.Ordinal);
        Assert.Contains("'failures' is not a history policy; use all (keep every run), errors (keep only failed, cancelled and expired runs) or none (keep no ended run).", problem, StringComparison.Ordinal);
    }

    private static string WithHistory(string workflow, string history) =>
        workflow.Replace("\"nodes\": [", $"\"history\": \"{history}\",\n  \"nodes\": [", StringComparison.Ordinal);

    private async Task<HttpResponseMessage> PostAsync(string workflowId, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
        return await host.Client.SendAsync(request);
    }
}
