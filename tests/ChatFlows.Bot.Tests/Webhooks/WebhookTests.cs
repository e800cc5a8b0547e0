using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary><c>POST /hooks/{workflowId}</c> over real HTTP: signatures, limits, and answers from respond nodes.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WebhookTests(HostFixture host)
{
    private const string SecretReference = "{{ secrets." + HostFixture.HookSecretName + " }}";
    private const string Order = """{"orderId": "A-17", "quantity": 12, "packSize": 4}""";

    [Fact]
    public async Task Post_SignedBody_Returns202AndRunsWithTheBodyAsTrigger()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-plain", SecretReference));

        using var response = await PostAsync("hook-plain", Order, Sign(HostFixture.HookSecret, Order));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.OriginalString);
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("webhook", run.GetProperty("startedBy").GetString());
        Assert.Equal("hook", run.GetProperty("triggerNodeId").GetString());
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse(Order), run.GetProperty("trigger")), run.GetProperty("trigger").GetRawText());
        Assert.Equal(3, run.GetProperty("data").GetProperty("packing").GetProperty("packs").GetInt32());
    }

    [Fact]
    public async Task Post_SecretWrittenAroundAReference_IsCheckedWithTheWholeResolvedSecret()
    {
        // Validation takes text around {{ secrets.NAME }} in a credential field; the endpoint resolves it the same way.
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-around", "orders-" + SecretReference));

        using var literal = await PostAsync("hook-around", Order, Sign("orders-" + SecretReference, Order));
        using var resolved = await PostAsync("hook-around", Order, Sign("orders-" + HostFixture.HookSecret, Order));

        Assert.Equal(HttpStatusCode.Unauthorized, literal.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, resolved.StatusCode);
    }

    [Fact]
    public async Task Post_WorkflowWithRespond_AnswersWithItsStatusAndBody()
    {
        await host.CreateWorkflowAsync(TestWorkflows.RespondingHook("hook-respond", "plain-secret", status: 201));

        using var response = await PostAsync("hook-respond", Order, Sign("plain-secret", Order));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await HostFixture.ReadJsonAsync(response);
        Assert.Equal("A-17", body.GetProperty("orderId").GetString());
        Assert.Equal(3, body.GetProperty("packs").GetInt32());
    }

    [Fact]
    public async Task Post_RespondingWorkflowThatFails_Returns500NamingTheNodeAndRun()
    {
        await host.CreateWorkflowAsync(TestWorkflows.RespondingHook("hook-fails", "plain-secret", status: 200));
        const string NoPackSize = """{"orderId": "A-18", "quantity": 12}""";

        using var response = await PostAsync("hook-fails", NoPackSize, Sign("plain-secret", NoPackSize));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var runId = problem.GetProperty("runId").GetString();
        Assert.Equal("packing", problem.GetProperty("nodeId").GetString());
        Assert.StartsWith($"Run {runId} failed at 'packing' before responding: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("packing", run.GetProperty("error").GetProperty("nodeId").GetString());
        Assert.Equal(run.GetProperty("nodes")[1].GetProperty("error").GetString(), run.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("pending", run.GetProperty("nodes")[2].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_WrongOrMissingSignature_Returns401AndStartsNothing()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-unsigned", SecretReference));

        using var wrong = await PostAsync("hook-unsigned", Order, Sign("not-the-secret", Order));
        using var missing = await PostAsync("hook-unsigned", Order, signature: null);
        using var garbled = await PostAsync("hook-unsigned", Order, "sha256=zz");
        using var otherBody = await PostAsync("hook-unsigned", Order, Sign(HostFixture.HookSecret, Order + " "));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherBody.StatusCode);
        Assert.Contains("X-ChatFlows-Signature: sha256=", (await HostFixture.ReadProblemAsync(missing)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var runs = await host.GetJsonAsync("/api/runs?workflow=hook-unsigned");
        Assert.Empty(runs.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_UnknownWorkflowNoTriggerUnsetSecretOrBadSignature_AllAnswerTheSame401()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("hook-none"));
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-unset", "{{ secrets.NOT_SET_ANYWHERE }}"));
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-same", SecretReference));
        var signed = Sign(HostFixture.HookSecret, Order);

        using var unknown = await PostAsync("no-such-hook", Order, signed);
        using var noTrigger = await PostAsync("hook-none", Order, signed);
        using var unsetSecret = await PostAsync("hook-unset", Order, Sign("", Order));
        using var badSignature = await PostAsync("hook-same", Order, Sign("not-the-secret", Order));
        var stale = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();
        using var staleTimestamp = await PostAsync("hook-same", Order, Sign(HostFixture.HookSecret, stale, Order), stale.ToString(CultureInfo.InvariantCulture));

        var expected = await ProblemTextAsync(badSignature);
        Assert.Contains("X-ChatFlows-Signature: sha256=", expected, StringComparison.Ordinal);
        foreach (var response in new[] { unknown, noTrigger, unsetSecret, staleTimestamp })
        {
            Assert.Equal(expected, await ProblemTextAsync(response));
        }
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=hook-unset")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_TimestampedSignature_Returns202AndRuns()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-stamped", SecretReference));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await PostAsync("hook-stamped", Order, Sign(HostFixture.HookSecret, now, Order), now.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());
    }

    [Theory]
    // A minute past the five-minute window, so the seconds the request takes cannot bring it back inside.
    [InlineData(-360)]
    [InlineData(360)]
    public async Task Post_TimestampOutsideFiveMinutes_Returns401AndStartsNothing(int offsetSeconds)
    {
        var id = offsetSeconds < 0 ? "hook-stale-past" : "hook-stale-future";
        await host.CreateWorkflowAsync(TestWorkflows.Hook(id, SecretReference));
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;

        using var response = await PostAsync(id, Order, Sign(HostFixture.HookSecret, at, Order), at.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty((await host.GetJsonAsync($"/api/runs?workflow={id}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_ReplayedTimestampedSignature_Returns401AndStartsOneRun()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-replay", SecretReference));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Sign(HostFixture.HookSecret, now, Order);

        using var first = await PostAsync("hook-replay", Order, signature, now.ToString(CultureInfo.InvariantCulture));
        using var replay = await PostAsync("hook-replay", Order, signature, now.ToString(CultureInfo.InvariantCulture));
        using var sameSignatureOtherTime = await PostAsync("hook-replay", Order, signature, (now - 1).ToString(CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sameSignatureOtherTime.StatusCode);
        Assert.Single((await host.GetJsonAsync("/api/runs?workflow=hook-replay")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_PlainSignatureToTimestampedTrigger_Returns401()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-must-stamp", SecretReference).Replace("\"kind\": \"webhook\",", "\"kind\": \"webhook\", \"timestamped\": true,", StringComparison.Ordinal));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var plain = await PostAsync("hook-must-stamp", Order, Sign(HostFixture.HookSecret, Order));
        using var stamped = await PostAsync("hook-must-stamp", Order, Sign(HostFixture.HookSecret, now, Order), now.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stamped.StatusCode);
    }

    [Fact]
    public async Task Save_TimestampedThatIsNotABoolean_Returns400NamingIt()
    {
        var json = TestWorkflows.Hook("hook-bad-stamp", SecretReference).Replace("\"kind\": \"webhook\",", "\"kind\": \"webhook\", \"timestamped\": \"yes\",", StringComparison.Ordinal);

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Equal("timestamped must be true or false.", errors.GetProperty("nodes/hook/config/timestamped")[0].GetString());
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_Returns413_WithOrWithoutContentLength()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-big", SecretReference));
        var big = Encoding.UTF8.GetBytes($$"""{"pad": "{{new string('x', HostFixture.MaxWebhookBytes)}}"}""");

        using var sized = await PostAsync("hook-big", new ByteArrayContent(big), Sign(HostFixture.HookSecret, big));
        // A stream of unknown length goes out chunked, so only counting while reading can stop it.
        using var chunked = await PostAsync("hook-big", new StreamContent(new MemoryStream(big)), Sign(HostFixture.HookSecret, big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains($"at most {HostFixture.MaxWebhookBytes} bytes", (await HostFixture.ReadProblemAsync(sized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=hook-big")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Post_BodyThatIsNotJson_Returns400()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-text", SecretReference));
        const string Text = "orderId=A-17";

        using var response = await PostAsync("hook-text", Text, Sign(HostFixture.HookSecret, Text));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The body is not valid JSON at line 1, column 1:", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static string Sign(string secret, string body) => Sign(secret, Encoding.UTF8.GetBytes(body));

    // Computed here rather than with the host's helper, so the test pins the wire format.
    private static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    // The timestamped form signs "<timestamp>.<body>".
    private static string Sign(string secret, long timestamp, string body) =>
        Sign(secret, Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string workflowId, string body, string? signature, string? timestamp = null) =>
        PostAsync(workflowId, HostFixture.Json(body), signature, timestamp);

    private async Task<HttpResponseMessage> PostAsync(string workflowId, HttpContent content, string? signature, string? timestamp = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = content };
        if (signature is not null) request.Headers.Add("X-ChatFlows-Signature", signature);
        if (timestamp is not null) request.Headers.Add("X-ChatFlows-Timestamp", timestamp);
        return await host.Client.SendAsync(request);
    }
}
