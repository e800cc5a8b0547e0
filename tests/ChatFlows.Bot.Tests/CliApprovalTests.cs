namespace ChatFlows.Bot.Tests;

/// <summary><c>chatflows run</c> with approvals and messages: the real executable, deciding by flag.</summary>
public sealed class CliApprovalTests
{
    [Fact]
    public async Task Run_Approve_DecidesAsTheFirstApproverAndPrintsTheMessage()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("approve-and-post.json"), "service=api", "--approve");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.Contains("approved by slack:U0LEAD0001", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, line => line.Contains("💬 playground:cli ← post", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, line => line.Contains("│ Shipping api (approved by slack:U0LEAD0001)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_RejectWithComment_TakesTheRejectedBranchToItsChannel()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("approve-and-post.json"), "service=api", "--reject", "--comment", "freeze week");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.Contains("💬 slack:C0TEAM ← dropped", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, line => line.Contains("│ Not shipping: freeze week", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ApproveAsSomeoneElse_IsRefusedAndTheRunWaits()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("approve-and-post.json"), "service=api", "--approve", "--as", "slack:U0INTERN01");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.Contains("slack:U0INTERN01 may not decide 'ok'", StringComparison.Ordinal));
        Assert.DoesNotContain(result.StdoutLines, line => line.Contains("💬", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_NoDecisionWithoutATerminal_LeavesTheApprovalWaiting()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("approve-and-post.json"), "service=api");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.StartsWith("⏸ waiting on 'ok'", StringComparison.Ordinal));
    }
}
