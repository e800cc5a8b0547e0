using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>Secrets over real HTTP: write-only, encrypted at rest, usable as {{ secrets.NAME }} in credential fields only.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class SecretsApiTests(HostFixture host)
{
    [Fact]
    public async Task Put_NewThenExisting_Returns201Then204AndListShowsNoValue()
    {
        using var created = await host.SendAsync(HttpMethod.Put, "/api/secrets/LIST_ME", """{"value": "first-value-123"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var replaced = await host.SendAsync(HttpMethod.Put, "/api/secrets/LIST_ME", """{"value": "second-value-456"}""");
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);

        using var list = await host.Client.GetAsync("/api/secrets");
        var text = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain("value-123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("value-456", text, StringComparison.Ordinal);
        var items = JsonElement.Parse(text).GetProperty("items").EnumerateArray().ToArray();
        var mine = Assert.Single(items, i => i.GetProperty("name").GetString() == "LIST_ME");
        Assert.Equal("stored", mine.GetProperty("source").GetString());
        Assert.Contains(items, i => i.GetProperty("name").GetString() == HostFixture.HookSecretName && i.GetProperty("source").GetString() == "configuration");
    }

    [Fact]
    public async Task Put_Stored_IsEncryptedInTheDatabase()
    {
        using var response = await host.SendAsync(HttpMethod.Put, "/api/secrets/AT_REST", """{"value": "plain-text-never-on-disk"}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        const string StoredSql = "select value from secrets where name = @Name";
        await using var connection = await host.Database.OpenAsync();
        var stored = await connection.ExecuteScalarAsync<string?>(StoredSql, new { Name = "AT_REST" });
        Assert.NotNull(stored);
        Assert.DoesNotContain("plain-text-never-on-disk", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-text-never-on-disk", Encoding.UTF8.GetString(Convert.FromBase64String(Base64(stored))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1BAD", """{"value": "x"}""", "name")]
    [InlineData("GOOD_NAME", """{"value": ""}""", "value")]
    [InlineData("GOOD_NAME", """{"secret": "x"}""", "value")]
    [InlineData("GOOD_NAME", """{"value": "abc"}""", "value")]
    public async Task Put_BadNameOrValue_Returns400NamingTheField(string name, string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"/api/secrets/{name}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Delete_StoredThenAgain_Returns204Then404()
    {
        using var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/GONE_SOON", """{"value": "bye-bye-value"}""");
        using var deleted = await host.SendAsync(HttpMethod.Delete, "/api/secrets/GONE_SOON");
        using var again = await host.SendAsync(HttpMethod.Delete, "/api/secrets/GONE_SOON");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task StoredSecret_SignsWebhooks()
    {
        using var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/STORED_HOOK", """{"value": "stored-hook-secret"}""");
        await host.CreateWorkflowAsync(TestWorkflows.Hook("hook-stored-secret", "{{ secrets.STORED_HOOK }}"));
        const string Body = """{"quantity": 6, "packSize": 3}""";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/hook-stored-secret") { Content = HostFixture.Json(Body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("stored-hook-secret"u8, Encoding.UTF8.GetBytes(Body))));
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("base64_encode")]
    [InlineData("upcase")]
    [InlineData("slice: 1, 8")]
    [InlineData("split: '' | join: ' '")]
    [InlineData("append: '!'")]
    public async Task Post_SecretThroughAFilter_Refused400NamingThePath(string filter)
    {
        var document = """
            {
              "id": "secret-filter",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "url": "http://127.0.0.1:9/x",
                                                          "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN | FILTER }}"}}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """.Replace("FILTER", filter, StringComparison.Ordinal);

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        var message = Assert.Single(errors.GetProperty("nodes/call/config/headers/Authorization").EnumerateArray()).GetString();
        Assert.Contains("secrets can be used only in credential fields", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SecretInATransform_Refused400NamingThePath()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", """
            {
              "id": "secret-transform",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "header", "type": "tool", "config": {"tool": "transform", "value": {"authorization": "Bearer {{ secrets.API_TOKEN }}"}}}
              ],
              "edges": [{"from": "play", "to": "header"}]
            }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("nodes/header/config/value/authorization", out _), errors.GetRawText());
    }

    [Fact]
    public async Task MissingSecret_FailsTheNodeSayingHowToSetIt()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "secret-missing",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "use", "type": "tool", "config": {"tool": "http", "url": "http://127.0.0.1:9/x", "headers": {"X-Key": "{{ secrets.NEVER_SET }}"}}}
              ],
              "edges": [{"from": "play", "to": "use"}]
            }
            """);

        var run = await host.WaitForRunAsync(await host.StartRunAsync("secret-missing"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        var message = run.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("nodes/use/config/headers/X-Key: secret 'NEVER_SET' is not set", message, StringComparison.Ordinal);
        Assert.Contains("PUT /api/secrets/NEVER_SET", message, StringComparison.Ordinal);
    }

    // Data Protection payloads are base64url.
    private static string Base64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
