using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Connections;

/// <summary>
/// README §Connections: connections saved through <c>PUT /api/connections/{name}</c> on the real host and its SQLite
/// file: credentials are write-only and encrypted at rest, a left-out credential is kept, every bad field is a 400
/// naming it, and a saved connection wins over a configured one of the same name.
/// </summary>
public sealed class ConnectionsSaveTests : IAsyncLifetime
{
    private const string Password = "pw-93c1f7e2a4d8";

    private readonly HostFixture _host = new(new Dictionary<string, string>
    {
        ["ChatFlows:Connections:cfg-http:Type"] = "http",
        ["ChatFlows:Connections:cfg-http:Workflows:0"] = "*",
        ["ChatFlows:Connections:cfg-http:BaseUrl"] = "https://configured.example.test/",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Put_NewConnection_ListedWithoutCredentialsStoredEncryptedAndDeleted()
    {
        using var created = await PutAsync("save-mail", $$$"""
            {"type": "mail", "workflows": ["mail-digest", "*"],
             "settings": {"SmtpHost": "smtp.example.test", "smtpPort": 587, "Security": "starttls", "UserName": "bot", "Password": "{{{Password}}}"}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/connections/save-mail", created.Headers.Location?.OriginalString);

        var list = await ListTextAsync();
        Assert.DoesNotContain(Password, list, StringComparison.Ordinal);
        var item = Item(list, "save-mail");
        Assert.Equal("stored", item.GetProperty("source").GetString());
        Assert.Equal(["mail-digest", "*"], item.GetProperty("workflows").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("587", item.GetProperty("settings").GetProperty("SmtpPort").GetString());
        Assert.Equal("smtp.example.test", item.GetProperty("settings").GetProperty("SmtpHost").GetString());
        Assert.False(item.GetProperty("settings").TryGetProperty("Password", out _));
        Assert.Equal(["Password"], item.GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("smtp.example.test", await DatabaseBytesAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await DatabaseBytesAsync(), StringComparison.Ordinal);

        using var replaced = await PutAsync("save-mail", """{"type": "mail", "workflows": ["*"], "settings": {"SmtpHost": "smtp2.example.test"}}""");
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);

        using var deleted = await _host.SendAsync(HttpMethod.Delete, "/api/connections/save-mail");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain("save-mail", await ListTextAsync(), StringComparison.Ordinal);
        using var again = await _host.SendAsync(HttpMethod.Delete, "/api/connections/save-mail");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Put_CredentialLeftOut_KeepsTheStoredValueAndAnEmptyStringClearsIt()
    {
        using var first = await PutAsync("keep-http", """
            {"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://one.example.test/", "Headers": {"X-Api-Key": "key-5b2e", "X-Other": "other-77"}}}
            """);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var edited = await PutAsync("keep-http", """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://two.example.test/"}}""");
        Assert.Equal(HttpStatusCode.NoContent, edited.StatusCode);
        var item = Item(await ListTextAsync(), "keep-http");
        Assert.Equal("https://two.example.test/", item.GetProperty("settings").GetProperty("BaseUrl").GetString());
        Assert.Equal(["Headers:X-Api-Key", "Headers:X-Other"], item.GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("key-5b2e", Registry.Find("keep-http")!.Setting("Headers:X-Api-Key"));

        using var cleared = await PutAsync("keep-http", """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://two.example.test/", "Headers": {"X-Other": ""}}}""");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(["Headers:X-Api-Key"], Item(await ListTextAsync(), "keep-http").GetProperty("credentials").EnumerateArray().Select(c => c.GetString()));
        Assert.Null(Registry.Find("keep-http")!.Setting("Headers:X-Other"));
    }

    [Theory]
    [InlineData("""{"type": "ftp"}""", "type")]
    [InlineData("""{"type": "mail", "settings": {"SmtpPort": "70000"}}""", "settings.SmtpPort")]
    [InlineData("""{"type": "mail", "settings": {"ImapPort": "imap"}}""", "settings.ImapPort")]
    [InlineData("""{"type": "mail", "settings": {"Security": "tls"}}""", "settings.Security")]
    [InlineData("""{"type": "mail", "settings": {"Token": "x"}}""", "settings.Token")]
    [InlineData("""{"type": "database", "settings": {"Provider": "mysql"}}""", "settings.Provider")]
    [InlineData("""{"type": "database", "settings": {"ReadOnly": "maybe"}}""", "settings.ReadOnly")]
    [InlineData("""{"type": "github", "settings": {"ApiBaseUrl": "not a url"}}""", "settings.ApiBaseUrl")]
    [InlineData("""{"type": "http", "settings": {"BaseUrl": "ftp://files.example.test/"}}""", "settings.BaseUrl")]
    [InlineData("""{"type": "http", "settings": {"Headers": {"Bad Name": "x"}}}""", "settings.Headers")]
    [InlineData("""{"type": "http", "workflows": ["Not An Id"]}""", "workflows")]
    [InlineData("""{"type": "http", "workflows": "*"}""", "workflows")]
    [InlineData("""{"type": "http", "settings": []}""", "settings")]
    public async Task Put_BadField_Is400NamingTheField(string body, string field)
    {
        using var response = await PutAsync("bad-fields", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty(field)[0].GetString()));
        Assert.Null(Registry.Find("bad-fields"));
    }

    [Fact]
    public async Task Put_BadName_Is400NamingIt()
    {
        using var response = await PutAsync("Bad%20Name", """{"type": "http"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Put_NameOfAConfiguredConnection_StoredOneWinsUntilDeleted()
    {
        using var stored = await PutAsync("cfg-http", """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://stored.example.test/"}}""");
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var item = Item(await ListTextAsync(), "cfg-http");
        Assert.Equal("stored", item.GetProperty("source").GetString());
        Assert.Equal("https://stored.example.test/", item.GetProperty("settings").GetProperty("BaseUrl").GetString());

        using var deleted = await _host.SendAsync(HttpMethod.Delete, "/api/connections/cfg-http");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        item = Item(await ListTextAsync(), "cfg-http");
        Assert.Equal("configuration", item.GetProperty("source").GetString());
        Assert.Equal("https://configured.example.test/", item.GetProperty("settings").GetProperty("BaseUrl").GetString());

        using var configured = await _host.SendAsync(HttpMethod.Delete, "/api/connections/cfg-http");
        Assert.Equal(HttpStatusCode.NotFound, configured.StatusCode);
        Assert.Contains("ChatFlows:Connections:cfg-http", (await HostFixture.ReadProblemAsync(configured)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveWorkflow_ConnectionNotAllowingIt_Is400NamingTheConnectionField()
    {
        using var put = await PutAsync("other-http", """{"type": "http", "workflows": ["someone-else"], "settings": {"BaseUrl": "https://api.example.test/"}}""");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/workflows", """
            {
              "id": "conn-not-allowed",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "connection": "other-http", "url": "items"}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["nodes/call/config/connection"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("conn-not-allowed", errors.GetProperty("nodes/call/config/connection")[0].GetString(), StringComparison.Ordinal);
    }

    private ConnectionRegistry Registry => _host.Services.GetRequiredService<ConnectionRegistry>();

    private Task<HttpResponseMessage> PutAsync(string name, string json) => _host.SendAsync(HttpMethod.Put, $"/api/connections/{name}", json);

    private async Task<string> ListTextAsync()
    {
        using var response = await _host.Client.GetAsync("/api/connections");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static JsonElement Item(string list, string name) =>
        JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == name);

    // The database file and its write-ahead log as bytes, as someone who copied them would read them.
    private async Task<string> DatabaseBytesAsync()
    {
        var text = new StringBuilder();
        foreach (var file in new[] { _host.DatabasePath, _host.DatabasePath + "-wal" })
        {
            if (!File.Exists(file)) continue;
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            text.Append(Encoding.Latin1.GetString(bytes.ToArray()));
        }
        return text.ToString();
    }
}
