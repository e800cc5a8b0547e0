using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Testing;

namespace ChatFlows.Bot.Cli;

/// <summary>
/// <c>chatflows test &lt;file&gt;...</c>: runs workflows' own tests offline (README §Workflow tests) and prints one
/// line per test, its mismatches indented, and a summary. A workflow file brings its <c>tests</c> and those of a
/// <c>&lt;name&gt;.tests.json</c> beside it; a <c>.tests.json</c> file tests the workflow its <c>"workflow"</c> names
/// (relative to it), else the <c>&lt;name&gt;.json</c> beside it. No host, database or network is used.
/// </summary>
internal static class TestCommand
{
    public const string TestsSuffix = ".tests.json";

    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var files, out var agentsOption, out var usage))
        {
            await stderr.WriteLineAsync($"chatflows test: {usage}");
            return CommandLine.Usage;
        }

        var registry = NodeRegistry.CreateDefault();
        var validator = new WorkflowValidator(registry);
        var runner = new WorkflowTestRunner();
        var passed = 0;
        var failed = 0;
        var unreadable = 0;
        // A workflow given with its tests file (samples/*.json matches both) runs that file once.
        var testsFilesRun = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            Suite suite;
            IReadOnlyList<ValidationProblem> missingAgents;
            try
            {
                suite = Load(file, testsFilesRun);
                missingAgents = await MissingAgentsAsync(suite, agentsOption);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or WorkflowFormatException)
            {
                await stderr.WriteLineAsync($"chatflows test: {file}: {ex.Message}");
                unreadable++;
                continue;
            }

            await stdout.WriteLineAsync(file);
            var problems = validator.Validate(suite.Document).ToList();
            var tests = new List<WorkflowTest>(WorkflowTests.Read(suite.Document.Tests, suite.Document, registry, []));
            foreach (var (path, array) in suite.TestsFiles)
            {
                var fileProblems = new List<ValidationProblem>();
                tests.AddRange(WorkflowTests.Read(array, suite.Document, registry, fileProblems));
                problems.AddRange(fileProblems.Select(p => p with { Path = $"{path}: {p.Path}" }));
            }
            problems.AddRange(missingAgents);
            if (problems.Count > 0)
            {
                await stdout.WriteLineAsync($"  ✗ the workflow or its tests have {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
                foreach (var problem in problems) await stdout.WriteLineAsync($"      {problem.Path}: {problem.Message}");
                failed++;
                continue;
            }
            if (tests.Count == 0)
            {
                await stdout.WriteLineAsync($"  no tests (add \"tests\" to the workflow or a {Path.GetFileNameWithoutExtension(suite.WorkflowPath)}{TestsSuffix} beside it)");
                continue;
            }
            foreach (var result in await runner.RunAsync(suite.Document, tests))
            {
                await stdout.WriteLineAsync($"  {(result.Passed ? "✓" : "✗")} {result.Name}");
                foreach (var mismatch in result.Mismatches) await stdout.WriteLineAsync($"      {mismatch}");
                if (result.Passed) passed++;
                else failed++;
            }
        }

        await stdout.WriteLineAsync($"{passed + failed} test{(passed + failed == 1 ? "" : "s")}: {passed} passed, {failed} failed");
        if (unreadable > 0) return CommandLine.Usage;
        return failed > 0 ? CommandLine.Failed : CommandLine.Success;
    }

    private static bool TryParse(string[] args, out List<string> files, out string? agents, out string error)
    {
        files = [];
        agents = null;
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--agents")
            {
                if (i + 1 >= args.Length)
                {
                    error = "--agents needs a value.";
                    return false;
                }
                agents = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown option '{args[i]}'. Options: --agents <file or folder>.";
                return false;
            }
            else
            {
                files.Add(args[i]);
            }
        }
        if (files.Count == 0)
        {
            error = "give one or more workflow or .tests.json files, e.g. chatflows test samples/*.json";
            return false;
        }
        return true;
    }

    private static Suite Load(string file, HashSet<string> testsFilesRun)
    {
        if (!File.Exists(file)) throw new FileNotFoundException("no such file.");
        var full = Path.GetFullPath(file);
        if (file.EndsWith(TestsSuffix, StringComparison.OrdinalIgnoreCase))
        {
            var (workflow, tests) = WorkflowTests.ParseFile(File.ReadAllText(file));
            var folder = Path.GetDirectoryName(full)!;
            var workflowPath = workflow is null
                ? Path.Combine(folder, Path.GetFileName(full)[..^TestsSuffix.Length] + ".json")
                : Path.GetFullPath(Path.Combine(folder, workflow));
            if (!File.Exists(workflowPath))
            {
                throw new FileNotFoundException(workflow is null
                    ? $"no workflow {Path.GetFileName(workflowPath)} beside it; put it there or name it with \"workflow\": \"<file>\"."
                    : $"its workflow {workflow} does not exist.");
            }
            var document = Read(workflowPath, "its workflow " + Path.GetFileName(workflowPath));
            var run = testsFilesRun.Add(full);
            // Only this file's tests: the workflow's own run when the workflow file is given.
            return new Suite(workflowPath, document with { Tests = null }, run ? [(file, tests)] : []);
        }
        var doc = Read(full, null);
        var sibling = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + TestsSuffix);
        var files = new List<(string, JsonArray)>();
        if (File.Exists(sibling) && testsFilesRun.Add(sibling))
        {
            try
            {
                files.Add((Path.Combine(Path.GetDirectoryName(file) ?? "", Path.GetFileName(sibling)), WorkflowTests.ParseFile(File.ReadAllText(sibling)).Tests));
            }
            catch (WorkflowFormatException ex)
            {
                throw new WorkflowFormatException($"{Path.GetFileName(sibling)}: {ex.Message}");
            }
        }
        return new Suite(full, doc, files);
    }

    private static WorkflowDocument Read(string path, string? what)
    {
        try
        {
            return WorkflowFiles.Read(path);
        }
        catch (WorkflowFormatException ex) when (what is not null)
        {
            throw new WorkflowFormatException($"{what}: {ex.Message}");
        }
    }

    // Agent nodes are mocked in tests, but a test that passes against an agent that does not exist would hide a
    // broken workflow: with an agents folder (--agents, or agents/ beside the workflow), each one must be there.
    private static async Task<IReadOnlyList<ValidationProblem>> MissingAgentsAsync(Suite suite, string? option)
    {
        var path = option ?? Path.Combine(Path.GetDirectoryName(suite.WorkflowPath)!, "agents");
        if (option is null && !Directory.Exists(path)) return [];
        var agents = new AgentFiles(path);
        var missing = new List<ValidationProblem>();
        foreach (var node in suite.Document.Nodes)
        {
            if (node.Type != NodeTypes.Agent || node.Config["agent"] is not JsonValue value || !value.TryGetValue<string>(out var id)) continue;
            if (await agents.GetAsync(id) is null) missing.Add(new ValidationProblem($"nodes/{node.Id}/config/agent", $"No agent '{id}' in {path}."));
        }
        return missing;
    }

    private sealed record Suite(string WorkflowPath, WorkflowDocument Document, IReadOnlyList<(string Path, JsonArray Tests)> TestsFiles);
}
