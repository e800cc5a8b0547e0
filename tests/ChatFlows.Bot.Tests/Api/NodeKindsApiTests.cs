using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary><c>GET /api/node-kinds</c> over real HTTP: every kind the host runs, as the editor's palette and inspector show it.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class NodeKindsApiTests(HostFixture host)
{
    [Fact]
    public async Task List_EveryKind_InPaletteOrderWithFieldsPortsAndDefaults()
    {
        var answer = await host.GetJsonAsync("/api/node-kinds");

        var types = answer.GetProperty("types").EnumerateArray().Select(t => t.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["trigger", "agent", "tool", "condition", "approval", "output"], types);
        Assert.Equal("error", answer.GetProperty("errorPort").GetString());
        var tool = answer.GetProperty("types")[2];
        Assert.Equal("Tool", tool.GetProperty("label").GetString());
        Assert.Equal("tool", tool.GetProperty("kindField").GetString());
        Assert.StartsWith("#", tool.GetProperty("color").GetString(), StringComparison.Ordinal);

        var kinds = answer.GetProperty("items").EnumerateArray().ToDictionary(k => k.GetProperty("name").GetString()!);
        Assert.Equal(22, kinds.Count);
        Assert.Equal(
            ["trigger/manual", "trigger/command", "trigger/webhook", "trigger/schedule", "trigger/message", "trigger/reply", "trigger/email", "agent",
             "tool/http", "tool/sql", "tool/github", "tool/search", "tool/transform", "tool/delay", "tool/subworkflow", "condition", "approval",
             "output/message", "output/respond", "output/email", "output/widget", "output/end"],
            kinds.Keys);

        var http = kinds["tool/http"];
        Assert.Equal("HTTP request", http.GetProperty("label").GetString());
        Assert.Equal("sends an HTTP request", http.GetProperty("sideEffect").GetString());
        Assert.Equal("""{"tool":"http","method":"GET","url":""}""", http.GetProperty("defaultConfig").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        var headers = Field(http, "headers");
        Assert.Equal("map", headers.GetProperty("type").GetString());
        Assert.True(headers.GetProperty("template").GetBoolean());
        Assert.Equal(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], Field(http, "method").GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.True(Field(http, "url").GetProperty("required").GetBoolean());

        var condition = kinds["condition"];
        Assert.Equal(JsonValueKind.Null, condition.GetProperty("kind").ValueKind);
        Assert.Equal(["true", "false"], condition.GetProperty("ports").EnumerateArray().Select(p => p.GetString()));
        Assert.True(Field(condition, "expression").GetProperty("expression").GetBoolean());
        Assert.Equal(JsonValueKind.Null, condition.GetProperty("sideEffect").ValueKind);

        Assert.Equal("posts a message to chat", kinds["output/message"].GetProperty("sideEffect").GetString());
        Assert.Equal("mail", Field(kinds["trigger/email"], "connection").GetProperty("connectionType").GetString());
        Assert.Equal(["list-issues"], Field(kinds["tool/github"], "state").GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("json", Assert.Single(kinds["trigger/manual"].GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "input").GetProperty("type").GetString());
    }

    private static JsonElement Field(JsonElement kind, string name) =>
        kind.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);
}
