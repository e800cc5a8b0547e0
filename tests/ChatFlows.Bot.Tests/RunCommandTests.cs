using System.Text.Json;

namespace ChatFlows.Bot.Tests;

/// <summary><c>chatflows run</c> end to end: the real executable, the samples and the fixtures.</summary>
public sealed class RunCommandTests
{
    private const string StackTraceMarker = "   at ";

    [Fact]
    public async Task Run_DeployCheckWithDefaults_LetsRolloutProceed()
    {
        var result = await CliProcess.RunAsync("run", "deploy-check");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("api", result.Output.GetProperty("service").GetString());
        Assert.Equal("Rollout of api may proceed (error rate 0.2 %).", result.Output.GetProperty("verdict").GetString());
        Assert.Contains(result.StdoutLines, line => line.StartsWith("✔ succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_DeployCheckOverErrorBudget_HoldsRollout()
    {
        var result = await CliProcess.RunAsync("run", "deploy-check", "service=web", "errors=2.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("web", result.Output.GetProperty("service").GetString());
        Assert.Equal("Hold the rollout of web: error rate 2.5 % is over budget.", result.Output.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Run_ServiceStatusArgumentsThatDoNotFitItsInputs_RefusedNamingEach()
    {
        var result = await CliProcess.RunAsync("run", "service-status", "verbose=maybe");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            ["chatflows run: service: required (The service to report on)", "chatflows run: verbose: must be true or false, not 'maybe'"],
            result.StderrLines);
    }

    [Fact]
    public async Task Run_ServiceStatusTextArguments_TakenAsTheTypesItsInputsSay()
    {
        var result = await CliProcess.RunAsync("run", "service-status", "service=web", "verbose=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("web", result.Output.GetProperty("service").GetString());
        Assert.Equal("health, version", result.Output.GetProperty("checks").GetString());
    }

    [Fact]
    public async Task Run_DeployCheckFile_ShowsNodesLiveInOrder()
    {
        var result = await CliProcess.RunAsync("run", "samples/deploy-check.json", "service=web", "errors=2.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("▶ Deploy check (deploy-check v1) run ", result.StdoutLines[0], StringComparison.Ordinal);
        Assert.True(result.IndexOfProgress("cmd", "skipped") > 0, "The command trigger is ruled out when the CLI plays the manual one.");
        var target = result.IndexOfProgress("target", "succeeded");
        Assert.True(result.IndexOfProgress("play", "succeeded") < result.IndexOfProgress("target", "running"));
        Assert.True(target < result.IndexOfProgress("health", "running"), "health starts only after target succeeded.");
        Assert.True(target < result.IndexOfProgress("budget", "running"), "budget starts only after target succeeded.");
        var join = result.IndexOfProgress("budgetOk", "running");
        Assert.True(result.IndexOfProgress("health", "succeeded") < join, "The join waits for health.");
        Assert.True(result.IndexOfProgress("budget", "succeeded") < join, "The join waits for the budget delay.");
        Assert.True(result.IndexOfProgress("go", "skipped") > join, "Over budget, the go branch is skipped.");
        Assert.Equal(-1, result.FindProgress("go", "running"));
        Assert.True(result.IndexOfProgress("hold", "succeeded") < result.IndexOfProgress("report", "running"));
        var summary = Array.FindIndex(result.StdoutLines, line => line.StartsWith("✔ succeeded in ", StringComparison.Ordinal));
        Assert.True(summary > result.IndexOfProgress("report", "succeeded"), result.ToString());
        Assert.Equal(summary + 1, result.StdoutLines.Length - 1);
    }

    [Fact]
    public async Task Run_DeployCheckWithDefaults_SkipsHoldBranch()
    {
        var result = await CliProcess.RunAsync("run", "deploy-check");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.IndexOfProgress("hold", "skipped") < result.IndexOfProgress("go", "succeeded"));
        Assert.Equal(-1, result.FindProgress("hold", "running"));
    }

    [Fact]
    public async Task Run_StandupDigestWithDefaults_JoinsBothSummariesIntoDigest()
    {
        var result = await CliProcess.RunAsync("run", "standup-digest", "--approve", "--as", "cli");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.Output.GetProperty("updates").GetInt32());
        Assert.Equal(
            "Standup digest: 3 updates. Ada: shipped the login page | Grace: fixed the flaky checkout test | Linus: blocked on the billing API review. Blockers: Linus: blocked on the billing API review.",
            result.Output.GetProperty("text").GetString());
        Assert.True(result.Output.GetProperty("posted").GetBoolean());
        var digest = result.IndexOfProgress("compose", "running");
        Assert.True(result.IndexOfProgress("progress", "succeeded") < digest);
        Assert.True(result.IndexOfProgress("blockers", "succeeded") < digest);
        Assert.True(result.IndexOfProgress("quiet", "skipped") > 0);
        Assert.True(result.IndexOfProgress("weekdays", "skipped") >= 0);
        Assert.True(result.IndexOfProgress("review", "succeeded") < result.IndexOfProgress("post", "running"), "The digest is posted only once approved.");
    }

    [Fact]
    public async Task Run_StandupDigestRejected_PostsNothing()
    {
        var result = await CliProcess.RunAsync("run", "standup-digest", "--reject", "--as", "cli");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(result.Output.GetProperty("posted").GetBoolean());
        Assert.Equal("Standup digest not posted (rejected by cli).", result.Output.GetProperty("text").GetString());
        Assert.True(result.IndexOfProgress("post", "skipped") > 0);
    }

    [Fact]
    public async Task Run_StandupDigestWithItems_ListsThemWithoutBlockers()
    {
        var result = await CliProcess.RunAsync("run", "standup-digest", "items=Ada: shipped search;Bob: wrote docs", "--approve");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.Output.GetProperty("updates").GetInt32());
        Assert.Equal("Standup digest: 2 updates. Ada: shipped search | Bob: wrote docs. Blockers: none.", result.Output.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Run_StandupDigestWithNoItems_TakesQuietBranch()
    {
        var result = await CliProcess.RunAsync("run", "standup-digest", "items=;");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Standup digest: no updates today.", result.Output.GetProperty("text").GetString());
        var decided = result.IndexOfProgress("anyUpdates", "succeeded");
        Assert.True(result.IndexOfProgress("progress", "skipped") > decided);
        Assert.True(result.IndexOfProgress("blockers", "skipped") > decided);
        Assert.True(result.IndexOfProgress("compose", "skipped") > decided, "The join is skipped when both of its inputs are.");
        Assert.True(result.IndexOfProgress("quiet", "succeeded") > decided);
    }

    [Fact]
    public async Task Run_OrderWebhookWithGoodOrder_Responds200()
    {
        var result = await CliProcess.RunAsync("run", "order-webhook", "--input", """{"orderId": "A-17", "quantity": 12, "packSize": 5}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(200, result.Output.GetProperty("status").GetInt32());
        var body = result.Output.GetProperty("body");
        Assert.Equal("A-17", body.GetProperty("orderId").GetString());
        Assert.Equal(2, body.GetProperty("packs").GetInt32());
        Assert.Equal(2, body.GetProperty("loose").GetInt32());
        Assert.True(result.IndexOfProgress("explain", "skipped") > result.IndexOfProgress("packing", "succeeded"));
        Assert.True(result.IndexOfProgress("rejected", "skipped") > 0);
        Assert.DoesNotContain("retrying", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OrderWebhookWithZeroPackSize_RetriesThenRoutesErrorTo422()
    {
        var result = await CliProcess.RunAsync("run", "order-webhook", "--input", """{"orderId": "A-18", "quantity": 12, "packSize": 0}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(422, result.Output.GetProperty("status").GetInt32());
        var body = result.Output.GetProperty("body");
        Assert.Equal("A-18", body.GetProperty("orderId").GetString());
        Assert.Equal("Order A-18 cannot be packed: quantity 12, pack size 0 (gave up after 2 attempts).", body.GetProperty("error").GetString());

        var firstFailure = result.IndexOfProgress("packing", "attempt");
        Assert.Matches(@"attempt 1 failed: .*divide by zero\. — retrying in \d+ ms$", result.StdoutLines[firstFailure]);
        var retry = Array.FindIndex(result.StdoutLines, line => line.Contains("packing  running (attempt 2)", StringComparison.Ordinal));
        Assert.True(retry > firstFailure, result.ToString());
        var failed = result.IndexOfProgress("packing", "failed");
        Assert.True(failed > retry);
        Assert.True(result.IndexOfProgress("accepted", "skipped") > failed);
        Assert.True(result.IndexOfProgress("explain", "succeeded") > failed);
        Assert.True(result.IndexOfProgress("rejected", "succeeded") > result.IndexOfProgress("explain", "succeeded"));
        Assert.Contains(result.StdoutLines, line => line.StartsWith("✔ succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_OrderWebhookWithoutInput_RespondsWith422()
    {
        var result = await CliProcess.RunAsync("run", "order-webhook");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(422, result.Output.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, result.Output.GetProperty("body").GetProperty("orderId").ValueKind);
        Assert.Equal(
            "Order (no id) cannot be packed: quantity missing, pack size missing (gave up after 2 attempts).",
            result.Output.GetProperty("body").GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("failing-transform.json", "divide", "nodes/divide/config/value: template failed: Attempted to divide by zero.")]
    [InlineData("failing-condition.json", "check", "nodes/check/config/expression: line 1, column 14: Cannot read properties of undefined (reading 'length')")]
    public async Task Run_NodeFailsWithOnErrorFail_ExitsOneNamingNodeAndError(string fixture, string nodeId, string error)
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture(fixture));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(error, result.StdoutLines[result.IndexOfProgress(nodeId, "failed")], StringComparison.Ordinal);
        var summary = Assert.Single(result.StdoutLines, line => line.StartsWith("✖ failed", StringComparison.Ordinal));
        Assert.Contains($"at '{nodeId}': {error}", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(result.StdoutLines, line => line.StartsWith("Output:", StringComparison.Ordinal));
        Assert.DoesNotContain(StackTraceMarker, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InputJson_BecomesTriggerAsItIs()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("echo-trigger.json"), "--input", """{"service":"x"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"service":"x"}""", result.Output.GetRawText());
    }

    [Fact]
    public async Task Run_KeyValuePairs_ArriveAsTriggerArgs()
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture("echo-trigger.json"), "service=x", "errors=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"service":"x","errors":"1"}""", result.Output.GetProperty("args").GetRawText());
        Assert.Equal("service=x errors=1", result.Output.GetProperty("text").GetString());
        Assert.Equal("cli", result.Output.GetProperty("user").GetString());
    }

    [Theory]
    [InlineData("{\"service\": ", "--input is not valid JSON at column 13: Expected depth to be zero")]
    [InlineData("{'service': 'x'}", "--input is not valid JSON at column 2: ''' is an invalid start of a property name.")]
    [InlineData("[1, 2]", "--input must be a JSON object")]
    public async Task Run_BadInput_ExitsTwoWithOneLine(string input, string message)
    {
        var result = await CliProcess.RunAsync("run", "deploy-check", "--input", input);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"chatflows run: {message}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_UnknownId_ExitsTwoNamingWhereItLooked()
    {
        var result = await CliProcess.RunAsync("run", "no-such-flow");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Equal(
            $"chatflows run: no workflow file or id 'no-such-flow' (looked for no-such-flow, {Path.Combine("samples", "no-such-flow.json")}, {Path.Combine("workflows", "no-such-flow.json")}).",
            line);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_MissingFile_ExitsTwoNamingTheFile()
    {
        var missing = CliProcess.Fixture("missing.json");

        var result = await CliProcess.RunAsync("run", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Equal($"chatflows run: no workflow file '{missing}'.", line);
    }

    [Theory]
    [InlineData("not-json.json", "not valid JSON at line 3, column 3: 'n' is an invalid start of a property name.")]
    [InlineData("nodes-object.json", "nodes must be an array, not an object.")]
    public async Task Run_UnreadableDocument_ExitsTwoWithOneLine(string fixture, string message)
    {
        var result = await CliProcess.RunAsync("run", CliProcess.Fixture(fixture));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"chatflows run: {CliProcess.Fixture(fixture)}: {message}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", line, StringComparison.Ordinal);
        Assert.DoesNotContain(StackTraceMarker, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_UnknownNodeType_ExitsTwoListingTheProblem()
    {
        var file = CliProcess.Fixture("unknown-node-type.json");

        var result = await CliProcess.RunAsync("run", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            [
                $"chatflows run: {file} is not valid (1 problem):",
                "  nodes/sparkle/type: 'glitter' is not a node type; use one of trigger, agent, tool, condition, approval, output.",
            ],
            result.StderrLines);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Run_UnknownTriggerOption_ExitsTwoListingTheTriggers()
    {
        var result = await CliProcess.RunAsync("run", "deploy-check", "--trigger", "nope");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Equal("chatflows run: Workflow 'deploy-check' has no trigger 'nope'; its triggers are cmd, play.", line);
    }

    [Fact]
    public async Task Run_CommandTriggerOption_FiresThatTrigger()
    {
        var result = await CliProcess.RunAsync("run", "deploy-check", "--trigger", "cmd", "service=db");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.IndexOfProgress("play", "skipped") < result.IndexOfProgress("cmd", "succeeded"));
        Assert.Equal("db", result.Output.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Run_NoTarget_ExitsTwoWithUsage()
    {
        var result = await CliProcess.RunAsync("run");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("chatflows run: give a workflow file or id", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
