using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpTestServer;

/// <summary>
/// The tools of the test MCP server <c>calc</c>, served on stdio by this program and over streamable HTTP by the tests:
/// <c>add</c>, <c>echo</c>, <c>fail</c> (an <c>isError</c> result), <c>stats</c> (structured content) and <c>pid</c>.
/// </summary>
public static class CalcTools
{
    public static IReadOnlyList<McpServerTool> All { get; } =
    [
        McpServerTool.Create((int a, int b) => a + b, new() { Name = "add", Description = "Adds two whole numbers." }),
        McpServerTool.Create((string text) => text, new() { Name = "echo", Description = "Says the text back." }),
        McpServerTool.Create(
            () => new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "The calculator's disk is full; free some space." }] },
            new() { Name = "fail", Description = "Always fails." }),
        McpServerTool.Create(
            () => new CallToolResult
            {
                Content = [new TextContentBlock { Text = "{\"count\":3,\"mean\":2.5}" }],
                StructuredContent = JsonElement.Parse("{\"count\":3,\"mean\":2.5}"),
            },
            new() { Name = "stats", Description = "Statistics of the numbers seen so far." }),
        McpServerTool.Create(() => Environment.ProcessId, new() { Name = "pid", Description = "The server's process id." }),
        McpServerTool.Create(
            (string name) => Environment.GetEnvironmentVariable(name) ?? "",
            new() { Name = "env", Description = "The value of an environment variable of the server." }),
    ];

    /// <summary>Server options offering every tool, as <paramref name="name"/>.</summary>
    public static McpServerOptions Options(string name)
    {
        var options = new McpServerOptions { ServerInfo = new Implementation { Name = name, Version = "1.0.0" } };
        options.ToolCollection = [];
        foreach (var tool in All) options.ToolCollection.Add(tool);
        return options;
    }
}
