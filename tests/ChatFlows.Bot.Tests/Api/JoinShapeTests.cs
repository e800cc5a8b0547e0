using System.Diagnostics;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// The two graph shapes that once ran a node twice — both ports of a condition into one node, and a routed error
/// meeting the branch it ruled out — run that node once from the command line, the API and the Playground.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class JoinShapeTests(HostFixture host)
{
    private const string BothPorts = "both-ports-one-node.json";
    private const string ErrorOrBad = "error-or-bad-check.json";

    [Theory]
    [InlineData(BothPorts, "post", "flag=yes")]
    [InlineData(BothPorts, "post", "flag=no")]
    [InlineData(ErrorOrBad, "alert", "note=no-size")]
    public async Task Run_SharedTargetNode_RunsAndPostsOnceInTheCommandLine(string fixture, string node, string argument)
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture(fixture), argument);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.StdoutLines, line => line.Contains($" {node} ", StringComparison.Ordinal) && line.Contains("running", StringComparison.Ordinal));
        Assert.Equal(-1, result.FindProgress(node, "running (attempt 2)"));
        Assert.Single(result.StdoutLines, line => line.Contains($"← {node}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BothPorts, "post", "yes")]
    [InlineData(BothPorts, "post", "no")]
    [InlineData(ErrorOrBad, "alert", "none")]
    public async Task StartRun_SharedTargetNode_RunsAndPostsOnceThroughTheApi(string fixture, string node, string value)
    {
        var (workflowId, _) = await CreateAsync(fixture, $"api-{value}");
        var channel = $"join-api-{workflowId}";
        var argument = fixture == BothPorts ? "flag" : "note";

        var payload = JsonSerializer.Serialize(new { args = new Dictionary<string, string> { [argument] = value, ["channel"] = $"playground:{channel}" } });
        var runId = await host.StartRunAsync(workflowId, payload);
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var shared = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == node);
        Assert.Equal(("succeeded", 1), (shared.GetProperty("status").GetString(), shared.GetProperty("attempts").GetInt32()));
        Assert.Single((await host.GetJsonAsync($"/playground/api/channels/{channel}/messages")).EnumerateArray());
    }

    [Theory]
    [InlineData(BothPorts, "flag=yes")]
    [InlineData(ErrorOrBad, "note=no-size")]
    public async Task RunCommand_SharedTargetNode_PostsOnceInThePlayground(string fixture, string argument)
    {
        var (workflowId, command) = await CreateAsync(fixture, "chat");
        var typedIn = $"join-cmd-{workflowId}";
        var postedTo = $"join-out-{workflowId}";
        using var created = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", $$"""{"name": "{{typedIn}}"}""");

        using var typed = await host.SendAsync(
            HttpMethod.Post, $"/playground/api/channels/{typedIn}/messages", $$"""{"user": "ada", "text": "/run {{command}} {{argument}} channel=playground:{{postedTo}}"}""");
        Assert.True(typed.IsSuccessStatusCode, await typed.Content.ReadAsStringAsync());
        var runId = await ProgressCardRunAsync(typedIn);
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Single((await host.GetJsonAsync($"/playground/api/channels/{postedTo}/messages")).EnumerateArray());
    }

    // A copy of the fixture under an id and command of its own, so tests sharing the host keep apart.
    private async Task<(string WorkflowId, string Command)> CreateAsync(string fixture, string suffix)
    {
        var document = JsonElement.Parse(await File.ReadAllTextAsync(CliProcess.Fixture(fixture)));
        var id = $"{document.GetProperty("id").GetString()}-{suffix}";
        var command = $"{id}-cmd";
        var json = (await File.ReadAllTextAsync(CliProcess.Fixture(fixture)))
            .Replace($"\"id\": \"{document.GetProperty("id").GetString()}\"", $"\"id\": \"{id}\"", StringComparison.Ordinal)
            .Replace("\"command\": \"both-ports\"", $"\"command\": \"{command}\"", StringComparison.Ordinal)
            .Replace("\"command\": \"error-or-bad\"", $"\"command\": \"{command}\"", StringComparison.Ordinal);
        await host.CreateWorkflowAsync(json);
        return (id, command);
    }

    // The run a command started, from the progress card it posted in the channel.
    private async Task<string> ProgressCardRunAsync(string channel)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = await host.GetJsonAsync($"/playground/api/channels/{channel}/messages");
            var card = messages.EnumerateArray().FirstOrDefault(m => m.TryGetProperty("runId", out var id) && id.ValueKind == JsonValueKind.String);
            if (card.ValueKind == JsonValueKind.Object) return card.GetProperty("runId").GetString()!;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"No progress card in {channel}: {messages}");
            await Task.Delay(50);
        }
    }
}
