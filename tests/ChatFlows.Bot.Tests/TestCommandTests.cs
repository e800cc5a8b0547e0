namespace ChatFlows.Bot.Tests;

/// <summary><c>chatflows test</c> end to end, through the real executable: exit codes and what it prints.</summary>
public sealed class TestCommandTests : IDisposable
{
    // A fetch whose result decides between two answers; the HTTP call must be mocked.
    private const string Workflow = """
        {
          "id": "status-check",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://status.example/api"}},
            {"id": "up", "type": "condition", "config": {"expression": "data.fetch.status == 200"}},
            {"id": "fine", "type": "output", "config": {"kind": "message", "text": "{{ trigger.service }} answers {{ data.fetch.status }}"}},
            {"id": "alarm", "type": "output", "config": {"kind": "end", "value": {"alarm": "{{ trigger.service }} is down"}}}
          ],
          "edges": [
            {"from": "play", "to": "fetch"}, {"from": "fetch", "to": "up"},
            {"from": "up", "port": "true", "to": "fine"}, {"from": "up", "port": "false", "to": "alarm"}
          ]
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-test-").FullName;

    public void Dispose() => TestFolder.Delete(_folder);

    [Fact]
    public async Task Test_AllSamples_ExitsZeroWithATickPerTest()
    {
        var samples = Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot, "samples"), "*.json")
            .Select(path => Path.GetRelativePath(CliProcess.RepositoryRoot, path))
            .Order(StringComparer.Ordinal)
            .ToArray();

        var result = await CliProcess.RunAsync(["test", .. samples]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  ✓ an approved order is written", result.StdoutLines);
        Assert.Contains("  ✓ a rejected order is declined and nothing is written", result.StdoutLines);
        Assert.Contains("  ✓ an error rate over budget holds the rollout", result.StdoutLines);
        Assert.DoesNotContain(result.StdoutLines, line => line.Contains('✗', StringComparison.Ordinal));
        Assert.Matches(@"^\d+ tests: \d+ passed, 0 failed$", result.StdoutLines[^1]);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Test_SiblingTestsFileWithAWrongExpectation_ExitsOneAndPrintsTheMismatch()
    {
        var workflow = Write("status-check.json", Workflow);
        Write("status-check.tests.json", """
            {"tests": [
              {"name": "up says so", "trigger": {"service": "api"},
               "mocks": {"fetch": {"output": {"status": 200}}},
               "expect": {"status": "succeeded", "outputs": {"fine": {"text": "api answers 200"}}}},
              {"name": "down raises the alarm", "trigger": {"service": "api"},
               "mocks": {"fetch": {"output": {"status": 503}}},
               "expect": {"path": ["play", "fetch", "up", "fine"], "outputs": {"fetch": {"status": 200}}}}
            ]}
            """);

        var result = await CliProcess.RunAsync("test", workflow);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                workflow,
                "  ✓ up says so",
                "  ✗ down raises the alarm",
                "      path: 'fine' did not run (skipped)",
                "      path: 'alarm' ran but is not in the path",
                "      outputs.fetch.status: expected 200, got 503",
                "2 tests: 1 passed, 1 failed",
            ],
            result.StdoutLines);
    }

    [Fact]
    public async Task Test_TestsFileNamingItsWorkflowAndAnUnmockedCall_SaysToMockIt()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "flows"));
        Write(Path.Combine("flows", "check.json"), Workflow);
        var tests = Write("check.tests.json", """
            {"workflow": "flows/check.json",
             "tests": [{"name": "forgot the mock", "trigger": {"service": "api"}, "expect": {"status": "succeeded"}}]}
            """);

        var result = await CliProcess.RunAsync("test", tests);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("  ✗ forgot the mock", result.StdoutLines);
        Assert.Contains("      node 'fetch' sends an HTTP request: mock it in this test", result.StdoutLines);
        Assert.Contains("      status: expected succeeded, got failed ('fetch' failed: node 'fetch' sends an HTTP request: mock it in this test)", result.StdoutLines);
    }

    [Fact]
    public async Task Test_UnreadableTestsFile_ExitsTwoNamingIt()
    {
        var workflow = Write("status-check.json", Workflow);
        Write("status-check.tests.json", """{"tests": [ {"name": "cut short" """);
        var missing = Path.Combine(_folder, "nowhere.json");

        var result = await CliProcess.RunAsync("test", workflow, missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.StderrLines, line => line.StartsWith($"chatflows test: {workflow}: status-check.tests.json: ", StringComparison.Ordinal));
        Assert.Contains($"chatflows test: {missing}: no such file.", result.StderrLines);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_MockOfAnUnknownNode_ExitsOneWithTheProblemAtItsPath()
    {
        var workflow = Write("status-check.json", Workflow.Replace("\"edges\"", """
            "tests": [{"name": "renamed", "mocks": {"fetcher": {"output": {}}}}],
              "edges"
            """, StringComparison.Ordinal));

        var result = await CliProcess.RunAsync("test", workflow);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("  ✗ the workflow or its tests have 1 problem:", result.StdoutLines);
        Assert.Contains(result.StdoutLines, line => line.StartsWith("      tests/0/mocks/fetcher: No node has the id 'fetcher'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_NoFiles_ExitsTwoWithUsage()
    {
        var result = await CliProcess.RunAsync("test");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(["chatflows test: give one or more workflow or .tests.json files, e.g. chatflows test samples/*.json"], result.StderrLines);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
