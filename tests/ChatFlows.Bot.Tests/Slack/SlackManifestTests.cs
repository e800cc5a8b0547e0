using System.Diagnostics;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>The Slack app manifest as a person renders it for their host.</summary>
public sealed class SlackManifestTests
{
    [Fact]
    public async Task Render_PublicBaseUrl_PointsEveryRequestUrlAtTheHost()
    {
        var (exit, output, _) = await RenderAsync("https://chatflows.example.com/");

        Assert.Equal(0, exit);
        Assert.Contains("url: https://chatflows.example.com/slack/commands", output, StringComparison.Ordinal);
        Assert.Contains("request_url: https://chatflows.example.com/slack/events", output, StringComparison.Ordinal);
        Assert.Contains("request_url: https://chatflows.example.com/slack/interactions", output, StringComparison.Ordinal);
        Assert.Contains("- command: /run", output, StringComparison.Ordinal);
        Assert.Contains("- app_mention", output, StringComparison.Ordinal);
        Assert.Contains("- chat:write", output, StringComparison.Ordinal);
        // email: approvers are matched with the address users.info gives.
        Assert.Contains("- users:read.email", output, StringComparison.Ordinal);
        // slack-group: approvers are the members usergroups.users.list gives.
        Assert.Contains("- usergroups:read", output, StringComparison.Ordinal);
        // A card whose post answer was lost is found again in the history of public, private, direct and group conversations.
        Assert.All(["channels:history", "groups:history", "im:history", "mpim:history"], scope => Assert.Contains($"- {scope}", output, StringComparison.Ordinal));
        Assert.DoesNotContain("PUBLIC_BASE_URL", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://chatflows.example.com")]
    public async Task Render_NoHttpsAddress_ExplainsWhatToPass(string address)
    {
        var (exit, _, error) = await RenderAsync(address);

        Assert.Equal(2, exit);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
        Assert.Contains("public HTTPS", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RenderAsync(string address)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ChatFlows.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root.FullName, "manifests", "slack", "render.sh"));
        start.ArgumentList.Add(address);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
