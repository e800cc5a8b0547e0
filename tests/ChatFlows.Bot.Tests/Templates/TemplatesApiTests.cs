using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Templates;

/// <summary>README §Templates: <c>GET /api/templates</c> and <c>GET /api/templates/{id}</c> on the real host.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class TemplatesApiTests(HostFixture host)
{
    private static readonly string[] SettingKinds = ["secret", "connection", "model", "channel", "agent", "value"];

    [Fact]
    public async Task List_ShippedTemplates_EveryFileListedWithSettingsNodeCountAndKinds()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "templates"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        var list = await host.GetJsonAsync("/api/templates");

        var items = list.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(files, items.Select(i => i.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("description").GetString()));
            Assert.Contains(item.GetProperty("category").GetString(), list.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
            Assert.All(item.GetProperty("settings").EnumerateArray(), s =>
            {
                Assert.Contains(s.GetProperty("kind").GetString(), SettingKinds);
                Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("where").GetString()));
            });
            Assert.False(item.TryGetProperty("workflow", out _), "the list leaves the documents out");
        });
        var uptime = items.Single(i => i.GetProperty("id").GetString() == "uptime-check");
        Assert.Equal("webhooks", uptime.GetProperty("category").GetString());
        Assert.Equal(5, uptime.GetProperty("nodeCount").GetInt32());
        Assert.Equal(["trigger/webhook", "tool/http", "condition", "output/message"], uptime.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Get_UptimeCheck_ReturnsItsDocumentAndWhichSettingsThisHostHas()
    {
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/secrets/UPTIME_HOOK")) { }
        var before = await host.GetJsonAsync("/api/templates/uptime-check");

        Assert.Equal("uptime-check", before.GetProperty("workflow").GetProperty("id").GetString());
        Assert.Equal(["hook", "check", "isUp", "up", "down"], before.GetProperty("workflow").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        var secret = Setting(before, "UPTIME_HOOK");
        Assert.Equal("missing", secret.GetProperty("status").GetString());
        Assert.Equal("No secret UPTIME_HOOK yet.", secret.GetProperty("detail").GetString());
        Assert.Equal("check", Setting(before, "playground:ops").GetProperty("status").GetString());

        using (var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/UPTIME_HOOK", """{"value": "s3cret"}""")) Assert.True(set.IsSuccessStatusCode);
        var after = await host.GetJsonAsync("/api/templates/uptime-check");

        Assert.Equal("ready", Setting(after, "UPTIME_HOOK").GetProperty("status").GetString());
        Assert.DoesNotContain("s3cret", after.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AgentTemplateOnAHostWithoutModels_SaysTheModelIsMissingAndTheAgentComesWithIt()
    {
        var template = await host.GetJsonAsync("/api/templates/ask-agent");

        Assert.Equal("missing", Setting(template, "Model profile").GetProperty("status").GetString());
        Assert.Equal("created", Setting(template, "helpdesk").GetProperty("status").GetString());
        Assert.Equal("helpdesk", Assert.Single(template.GetProperty("agents").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_UnknownId_Returns404NamingIt()
    {
        using var response = await host.Client.GetAsync("/api/templates/no-such-template");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no template 'no-such-template'; GET /api/templates lists them.", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString());
    }

    private static JsonElement Setting(JsonElement template, string name) =>
        template.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
}
