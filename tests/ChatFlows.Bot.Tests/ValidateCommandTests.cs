namespace ChatFlows.Bot.Tests;

/// <summary><c>chatflows validate</c> end to end.</summary>
public sealed class ValidateCommandTests
{
    private const string StackTraceMarker = "   at ";

    [Fact]
    public async Task Validate_AllSamples_ExitsZero()
    {
        var samples = Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot, "samples"), "*.json")
            .Select(path => Path.GetRelativePath(CliProcess.RepositoryRoot, path))
            .Order(StringComparer.Ordinal)
            .ToArray();

        var result = await CliProcess.RunAsync(["validate", .. samples]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Path.Combine("samples", "deploy-check.json"), samples);
        Assert.Contains(Path.Combine("samples", "standup-digest.json"), samples);
        Assert.Contains(Path.Combine("samples", "order-webhook.json"), samples);
        Assert.Equal(samples.Length, result.StdoutLines.Length);
        Assert.All(samples.Zip(result.StdoutLines), pair => Assert.StartsWith($"{pair.First}: valid (", pair.Second, StringComparison.Ordinal));
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Validate_DocumentWithSeveralProblems_ListsEachWithItsPath()
    {
        var file = CliProcess.Fixture("many-problems.json");

        var result = await CliProcess.RunAsync("validate", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"{file}: 7 problems", result.StdoutLines[0]);
        var problems = result.StdoutLines[1..].Select(line => line.Trim()).ToArray();
        Assert.Equal(
            [
                "id: 'Many Problems' is not a workflow id; use lower-case letters, digits, '-' and '_', starting with a letter or digit.",
                "nodes/shape/config/value: tool/transform needs 'value'.",
                "nodes/check/config/expression: expression does not parse: line 1, column 13: Unexpected end of input",
                "nodes/pause/config/duration: 'soon' is not a positive ISO-8601 duration (like PT30S, PT4H or P1D).",
                "edges/2/port: Edges from condition 'check' need a port: true or false.",
                "edges/3/to: No node has the id 'ghost'.",
                "nodes/orphan: 'orphan' cannot be reached from any trigger; connect it or remove it.",
            ],
            problems);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Validate_TwoFilesWithTheSameCommand_ReportsItOnTheSecond()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-validate-").FullName;
        try
        {
            var first = Path.Combine(folder, "first.json");
            var second = Path.Combine(folder, "second.json");
            await File.WriteAllTextAsync(first, Command("first", "ship-it"));
            await File.WriteAllTextAsync(second, Command("second", "ship-it"));

            var result = await CliProcess.RunAsync("validate", first, second);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.StartsWith($"{first}: valid (", result.StdoutLines[0], StringComparison.Ordinal);
            Assert.Equal(
                [
                    $"{second}: 1 problem",
                    "  nodes/cmd/config/command: The command 'ship-it' is already used by workflow 'first'; pick another name, or change that workflow first.",
                ],
                result.StdoutLines[1..]);
        }
        finally
        {
            TestFolder.Delete(folder);
        }

        static string Command(string id, string command) => $$$"""
            {"id": "{{{id}}}", "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "{{{command}}}"}},
              {"id": "done", "type": "output", "config": {"kind": "end"}}],
             "edges": [{"from": "cmd", "to": "done"}]}
            """;
    }

    [Fact]
    public async Task Validate_UnknownNodeType_ExitsOneWithProblemPath()
    {
        var file = CliProcess.Fixture("unknown-node-type.json");

        var result = await CliProcess.RunAsync("validate", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(
            [
                $"{file}: 1 problem",
                "  nodes/sparkle/type: 'glitter' is not a node type; use one of trigger, agent, tool, condition, approval, output.",
            ],
            result.StdoutLines);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Validate_UnreadableDocuments_ExitsTwoWithOneLineEach()
    {
        var notJson = CliProcess.Fixture("not-json.json");
        var nodesObject = CliProcess.Fixture("nodes-object.json");

        var result = await CliProcess.RunAsync("validate", notJson, nodesObject);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(
            [
                $"{notJson}: not valid JSON at line 3, column 3: 'n' is an invalid start of a property name. Expected a '\"'.",
                $"{nodesObject}: nodes must be an array, not an object.",
            ],
            result.StderrLines);
        Assert.DoesNotContain(StackTraceMarker, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Validate_UnreadableAmongValid_ExitsTwoAndStillChecksTheRest()
    {
        var notJson = CliProcess.Fixture("not-json.json");
        var sample = Path.Combine("samples", "deploy-check.json");

        var result = await CliProcess.RunAsync("validate", notJson, sample);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"{notJson}: not valid JSON", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.StartsWith($"{sample}: valid (", Assert.Single(result.StdoutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoNamingTheFile()
    {
        var missing = CliProcess.Fixture("missing.json");

        var result = await CliProcess.RunAsync("validate", missing);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"{missing}: cannot read the file: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(StackTraceMarker, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoFiles_ExitsTwoWithUsage()
    {
        var result = await CliProcess.RunAsync("validate");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("chatflows validate: give one or more workflow files", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
