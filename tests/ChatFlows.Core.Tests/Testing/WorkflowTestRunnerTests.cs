using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Testing;

namespace ChatFlows.Core.Tests.Testing;

public class WorkflowTestRunnerTests
{
    // A health check: the HTTP call acts outside the run, the condition picks a branch, the message is captured,
    // a failed check is routed to its error port, and the down branch waits two hours before it alerts.
    private const string Health = """
        {
          "id": "health",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "check", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://status.example/health"}, "onError": "route"},
            {"id": "ok", "type": "condition", "config": {"expression": "data.check.status == 200"}},
            {"id": "notify", "type": "output", "config": {"kind": "message", "text": "{{ trigger.service }} is up ({{ data.check.status }})"}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": {"service": "{{ trigger.service }}", "up": true}}},
            {"id": "cool", "type": "tool", "config": {"tool": "delay", "duration": "PT2H"}},
            {"id": "down", "type": "tool", "config": {"tool": "transform", "value": {"alert": "{{ trigger.service }} is down", "by": "{{ run.startedBy }}"}}},
            {"id": "broken", "type": "tool", "config": {"tool": "transform", "value": {"alert": "check failed: {{ data.check.error }}"}}}
          ],
          "edges": [
            {"from": "play", "to": "check"},
            {"from": "check", "to": "ok"},
            {"from": "check", "port": "error", "to": "broken"},
            {"from": "ok", "port": "true", "to": "notify"},
            {"from": "notify", "to": "done"},
            {"from": "ok", "port": "false", "to": "cool"},
            {"from": "cool", "to": "down"}
          ]
        }
        """;

    private static readonly NodeRegistry Registry = NodeRegistry.CreateDefault();

    private static async Task<WorkflowTestResult> RunAsync(string testJson)
    {
        var document = WorkflowJson.Parse(Health) with { Tests = [JsonNode.Parse(testJson)] };
        var problems = new List<ValidationProblem>();
        var tests = WorkflowTests.Read(document.Tests, document, Registry, problems);
        Assert.Empty(problems);
        return await new WorkflowTestRunner().RunAsync(document, Assert.Single(tests));
    }

    [Fact]
    public async Task RunAsync_CheckMockedUp_TakesTheTruePathCapturesTheMessageAndPasses()
    {
        var result = await RunAsync("""
            {"name": "up", "trigger": {"service": "api"},
             "mocks": {"check": {"output": {"status": 200, "body": "fine"}}},
             "expect": {"status": "succeeded", "path": ["play", "check", "ok", "notify", "done"],
                        "outputs": {"notify": {"text": "api is up (200)"}, "ok": true},
                        "result": {"service": "api"}}}
            """);

        Assert.True(result.Passed, string.Join("\n", result.Mismatches));
        Assert.Equal("succeeded", result.Status);
        Assert.Equal(["play", "check", "ok", "notify", "done"], result.Ran);
    }

    [Fact]
    public async Task RunAsync_OutputsAndPathDiffer_ReportsEachMismatchWithItsPath()
    {
        var result = await RunAsync("""
            {"name": "up", "trigger": {"service": "api"},
             "mocks": {"check": {"output": {"status": 503}}},
             "expect": {"path": ["play", "check", "ok", "notify", "done"],
                        "outputs": {"check": {"status": 200}, "down": {"alert": "api is down"}}, "result": {"up": true}}}
            """);

        Assert.False(result.Passed);
        Assert.Contains("outputs.check.status: expected 200, got 503", result.Mismatches);
        Assert.Contains("path: 'notify' did not run (skipped)", result.Mismatches);
        Assert.Contains("path: 'cool' ran but is not in the path", result.Mismatches);
        Assert.Contains("path: 'down' ran but is not in the path", result.Mismatches);
        Assert.Contains("result: expected {\"up\":true}, got nothing", result.Mismatches);
        // "down" matched as a subset: its "by" is not named, so only the alert is compared, and it matches.
        Assert.DoesNotContain(result.Mismatches, m => m.StartsWith("outputs.down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_LongDelay_PassesAtOnceOnTheTestClock()
    {
        var result = await RunAsync("""
            {"name": "down", "trigger": {"service": "api"},
             "mocks": {"check": {"output": {"status": 500}}},
             "expect": {"status": "succeeded", "nodes": {"ok": "succeeded", "cool": "succeeded", "down": "succeeded", "notify": "skipped"},
                        "outputs": {"ok": false, "down": {"alert": "api is down", "by": "test"}}}}
            """);

        Assert.True(result.Passed, string.Join("\n", result.Mismatches));
    }

    [Fact]
    public async Task RunAsync_MockedFailure_IsRoutedThroughOnError()
    {
        var result = await RunAsync("""
            {"name": "broken", "mocks": {"check": {"error": "connection refused"}},
             "expect": {"status": "succeeded", "nodes": {"check": "failed", "broken": "succeeded", "ok": "skipped"},
                        "outputs": {"broken": {"alert": "check failed: connection refused"}}}}
            """);

        Assert.True(result.Passed, string.Join("\n", result.Mismatches));
    }

    [Fact]
    public async Task RunAsync_SideEffectNodeNotMocked_FailsTheTestNamingTheNode()
    {
        var result = await RunAsync("""{"name": "forgot the mock", "trigger": {"service": "api"}}""");

        Assert.False(result.Passed);
        Assert.Equal("node 'check' sends an HTTP request: mock it in this test", result.Mismatches[0]);
    }

    [Fact]
    public async Task RunAsync_StatusDiffers_SaysWhichNodeFailedAndWhy()
    {
        var document = WorkflowJson.Parse("""
            {"id": "fetch", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "check", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://status.example/health"}}],
             "edges": [{"from": "play", "to": "check"}]}
            """);
        var test = new WorkflowTest
        {
            Name = "fails",
            Trigger = System.Text.Json.JsonSerializer.SerializeToElement(new { }),
            Mocks = new Dictionary<string, NodeMock> { ["check"] = new(null, null, "timed out") },
            Expect = new TestExpectation { Status = "succeeded" },
        };

        var result = await new WorkflowTestRunner().RunAsync(document, test);

        Assert.Equal(["status: expected succeeded, got failed ('check' failed: timed out)"], result.Mismatches);
    }

    [Fact]
    public async Task RunAsync_ConditionMockedOnItsFalsePort_TakesTheFalseBranch()
    {
        var result = await RunAsync("""
            {"name": "forced down", "trigger": {"service": "web"},
             "mocks": {"check": {"output": {"status": 200}}, "ok": {"output": false, "port": "false"}},
             "expect": {"path": ["play", "check", "ok", "cool", "down"], "outputs": {"down": {"alert": "web is down"}}}}
            """);

        Assert.True(result.Passed, string.Join("\n", result.Mismatches));
    }

    [Fact]
    public void Validate_TestsNameUnknownNodesAndPorts_ReportsEachAtItsPath()
    {
        var document = WorkflowJson.Parse(Health) with
        {
            Tests = JsonNode.Parse("""
                [{"name": "bad", "mocks": {"nope": {"output": 1}, "ok": {"output": true}, "check": {"output": {}, "port": "yes"}},
                  "expect": {"status": "done", "path": ["play", "ghost"], "outputs": {"phantom": 1}}},
                 {"trigger": []}]
                """)!.AsArray(),
        };

        var problems = new WorkflowValidator(Registry).Validate(document).ToDictionary(p => p.Path, p => p.Message);

        Assert.StartsWith("No node has the id 'nope'", problems["tests/0/mocks/nope"]);
        Assert.Equal("'ok' is a condition: say which port its mock fires, true, false.", problems["tests/0/mocks/ok/port"]);
        Assert.StartsWith("tool/http 'check' has no port 'yes'", problems["tests/0/mocks/check/port"]);
        Assert.StartsWith("status must be one of succeeded, failed", problems["tests/0/expect/status"]);
        Assert.Equal("No node has the id 'ghost'.", problems["tests/0/expect/path/1"]);
        Assert.Equal("No node has the id 'phantom'.", problems["tests/0/expect/outputs/phantom"]);
        Assert.StartsWith("The test needs a name", problems["tests/1/name"]);
        Assert.StartsWith("trigger must be a JSON object", problems["tests/1/trigger"]);
    }
}
