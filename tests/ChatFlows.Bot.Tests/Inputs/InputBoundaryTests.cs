using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Inputs;

/// <summary>
/// Every input boundary of the real host refuses JSON it could not store and read back — a name given twice,
/// unpaired surrogates, invalid UTF-8, numbers beyond a double, nesting past the limit — with a 400 that says what
/// and where, never a 500; and what it accepts, it can show again.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class InputBoundaryTests(HostFixture host)
{
    private static string Document(string id, string name = "\"Checked\"", string config = "{\"kind\": \"manual\"}") => $$$"""
        {"id": "{{{id}}}", "name": {{{name}}}, "nodes": [
          {"id": "play", "type": "trigger", "config": {{{config}}}},
          {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ trigger }}"}}],
         "edges": [{"from": "play", "to": "done"}]}
        """;

    public static TheoryData<string, string> BadDocuments => new()
    {
        { Document("in-dup-top").Replace("\"name\":", "\"id\": \"in-dup-top\", \"name\":", StringComparison.Ordinal), "has the property 'id' more than once" },
        { Document("in-dup-config", config: """{"kind": "manual", "kind": "manual"}"""), "'nodes/0/config' has the property 'kind' more than once" },
        { Document("in-surrogate", name: "\"a\\ud800\""), "the string at 'name' holds an unpaired UTF-16 surrogate" },
        { Document("in-huge", config: """{"kind": "manual", "weight": 1e400}"""), "the number 1e400 at 'nodes/0/config/weight' is out of range" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task CreateWorkflow_RefusedJson_Returns400NamingTheProblem(string document, string expected)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWorkflow_InvalidUtf8_Returns400AndStoresNothing()
    {
        var bytes = Encoding.UTF8.GetBytes(Document("in-utf8", name: "\"caf__\""));
        var at = Array.IndexOf(bytes, (byte)'_');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;

        using var response = await host.Client.PostAsync("/api/workflows", new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("not valid UTF-8: byte 0xC3", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var stored = await host.Client.GetAsync("/api/workflows/in-utf8");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task CreateWorkflow_RetryFactorOutOfRange_Returns400()
    {
        var document = Document("in-retry").Replace("\"type\": \"output\",", "\"type\": \"output\", \"retry\": {\"maxAttempts\": 2, \"backoffFactor\": 1e999},", StringComparison.Ordinal);

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'nodes/1/retry/backoffFactor' is out of range", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""", "has the property 'a' more than once")]
    [InlineData("""{"a": "\udc00"}""", "the string at 'a' holds an unpaired UTF-16 surrogate")]
    [InlineData("""{"a": {"b": 1e400}}""", "the number 1e400 at 'a/b' is out of range")]
    public async Task StartRun_RefusedPayload_Returns400NamingTheProblem(string payload, string expected)
    {
        await EnsureWorkflowAsync(TestWorkflows.Echo("in-run-bad"));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/in-run-bad/runs", payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_PayloadNestedToTheLimit_RunAndItsOutputReadBack()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("in-run-deep"));
        // 64 levels in all: the payload object, then 63 arrays.
        var payload = "{\"deep\": " + new string('[', 63) + new string(']', 63) + "}";

        var runId = await host.StartRunAsync("in-run-deep", payload);
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, run.GetProperty("trigger").GetProperty("deep").ValueKind);
        using var events = await host.Client.GetAsync($"/api/runs/{runId}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Fact]
    public async Task Webhook_DuplicateKey_Returns400()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("in-hook-dup", "plain-secret"));
        const string body = """{"quantity": 10, "quantity": 12, "packSize": 5}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/in-hook-dup") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("plain-secret"u8, Encoding.UTF8.GetBytes(body))));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'quantity' more than once", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetSecret_UnpairedSurrogate_Returns400()
    {
        using var response = await host.SendAsync(HttpMethod.Put, "/api/secrets/IN_SURROGATE", """{"value": "\ud800"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the string at 'value' holds an unpaired UTF-16 surrogate", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetSecret_NameWithTrailingNewline_Returns400()
    {
        using var response = await host.SendAsync(HttpMethod.Put, "/api/secrets/IN_NEWLINE%0A", """{"value": "x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task CreateAgent_DuplicateKey_Returns400()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "in-agent", "name": "A", "name": "B", "instructions": "x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'name' more than once", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostPlaygroundMessage_UnpairedSurrogate_Returns400NamingIt()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/general/messages", """{"user": "ada", "text": "hi \ud83d"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the string at 'text' holds an unpaired UTF-16 surrogate", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"user": "ada\n", "text": "hi"}""", "user")]
    public async Task PostPlaygroundMessage_UserWithTrailingNewline_Returns400(string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/general/messages", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("""/run in-chat {"a": 1, "a": 2}""", "has the property 'a' more than once")]
    [InlineData("""/run in-chat {"a": 1e400}""", "the number 1e400 at 'a' is out of range")]
    [InlineData("""/run in-chat {"a": "\ud800"}""", "holds an unpaired UTF-16 surrogate")]
    public async Task PlaygroundRunCommand_RefusedJsonArguments_AnswersWithTheProblem(string command, string expected)
    {
        await EnsureWorkflowAsync(TestWorkflows.Echo("in-chat"));

        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/general/messages", JsonSerializer.Serialize(new { user = "ada", text = command }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reply = (await HostFixture.ReadJsonAsync(response)).GetProperty("reply").GetProperty("text").GetString();
        Assert.Contains(expected, reply, StringComparison.Ordinal);
    }

    // Theories share one workflow: the first case creates it, the others find it there.
    private async Task EnsureWorkflowAsync(string document)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", document);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
