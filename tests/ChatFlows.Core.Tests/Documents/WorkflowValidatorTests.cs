using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Documents;

public class WorkflowValidatorTests
{
    private const string ValidDocument = """
        {
          "id": "deploy-check",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "deploy-check"}},
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "nightly", "type": "trigger", "config": {"kind": "schedule", "cron": "0 9 * * MON-FRI", "timeZone": "UTC",
                                                            "channel": "playground:ops", "catchUp": false}},
            {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "{{ secrets.HOOK }}"}},
            {"id": "said", "type": "trigger", "config": {"kind": "message", "pattern": "^deploy (\\w+)$",
                                                         "channels": ["slack:C0123ABCD", "teams:19:abc@thread.v2"]}},
            {"id": "target", "type": "tool", "config": {"tool": "transform", "value": {"service": "{{ trigger.args.service | default: 'api' }}",
                                                                                     "items": "{{ trigger.items }}"}},
             "retry": {"maxAttempts": 3, "initialDelay": "PT1S", "backoffFactor": 2, "maxDelay": "PT1M", "jitter": 0.2},
             "timeout": "PT10S", "onError": "route"},
            {"id": "pause", "type": "tool", "config": {"tool": "delay", "duration": "PT0.3S"}},
            {"id": "any", "type": "condition", "config": {"expression": "data.target.items.length > 0"}},
            {"id": "go", "type": "tool", "config": {"tool": "transform", "value": "Rollout of {{ data.target.service }} may proceed."},
             "output": "verdict"},
            {"id": "hold", "type": "tool", "config": {"tool": "transform", "value": "Hold."}, "output": "verdict", "onError": "continue"},
            {"id": "reply", "type": "output", "config": {"kind": "respond", "status": 202, "body": {"verdict": "{{ data.verdict }}"}}},
            {"id": "failed", "type": "output", "config": {"kind": "end", "value": "failed"}}
          ],
          "edges": [
            {"from": "cmd", "to": "target"}, {"from": "play", "to": "target"}, {"from": "nightly", "to": "target"},
            {"from": "hook", "to": "target"}, {"from": "said", "to": "target"},
            {"from": "target", "to": "pause"}, {"from": "target", "port": "error", "to": "failed"},
            {"from": "pause", "to": "any"},
            {"from": "any", "port": "true", "to": "go"}, {"from": "any", "port": "false", "to": "hold"},
            {"from": "go", "to": "reply"}, {"from": "hold", "to": "reply"}
          ]
        }
        """;

    // One document with a fault of every kind; each comment names the problem the validator must report.
    private const string BrokenDocument = """
        {
          "id": "broken",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "start", "type": "tool", "config": {"tool": "transform", "value": "twin"}},
            {"type": "tool", "config": {"tool": "transform", "value": "nameless"}},
            {"id": "mystery", "type": "robot"},
            {"id": "fetch", "type": "tool", "config": {"tool": "ftp"}},
            {"id": "check", "type": "condition", "config": {"expression": "data.x >"}},
            {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"greeting": ["ok", "Hello\n{{ trigger.name | }}"]}},
             "timeout": "10 seconds",
             "retry": {"maxAttempts": 0, "initialDelay": "soon", "backoffFactor": 0.5, "jitter": 2}},
            {"id": "wait", "type": "tool", "config": {"tool": "delay", "duration": "5 minutes"}},
            {"id": "nightly", "type": "trigger", "config": {"kind": "schedule", "cron": "0 25 * * *", "timeZone": "Mars/Olympus",
                                                            "channel": "slack:#general"}},
            {"id": "orphan", "type": "tool", "config": {"tool": "transform", "value": "alone"}},
            {"id": "a", "type": "tool", "config": {"tool": "transform", "value": "a"}},
            {"id": "b", "type": "tool", "config": {"tool": "transform", "value": "b"}}
          ],
          "edges": [
            {"from": "start", "to": "mystery"},
            {"from": "start", "to": "fetch"},
            {"from": "start", "to": "check"},
            {"from": "check", "port": "maybe", "to": "shape"},
            {"from": "check", "to": "wait"},
            {"from": "start", "to": "ghost"},
            {"from": "start", "to": "nightly"},
            {"from": "shape", "port": "error", "to": "wait"},
            {"from": "start", "to": "a"},
            {"from": "a", "to": "b"},
            {"from": "b", "to": "a"}
          ]
        }
        """;

    private readonly WorkflowValidator _validator = new(NodeRegistry.CreateDefault());

    [Fact]
    public void Validate_ValidDocument_ReportsNoProblems()
    {
        var problems = _validator.Validate(WorkflowJson.Parse(ValidDocument));

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_ShippedSample_ReportsNoProblems()
    {
        var sample = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "deploy-check.json"));

        Assert.Empty(_validator.Validate(WorkflowJson.Parse(sample)));
    }

    [Fact]
    public void Validate_DocumentWithManyFaults_ReportsEveryProblemAtOnce()
    {
        var problems = _validator.Validate(WorkflowJson.Parse(BrokenDocument));

        string[] expected =
        [
            "nodes/1/id",                          // duplicate id
            "nodes/2/id",                          // missing id
            "nodes/mystery/type",                  // unknown type
            "nodes/fetch/config/tool",             // unknown tool kind
            "nodes/check/config/expression",       // expression does not parse
            "nodes/shape/timeout",                 // not an ISO-8601 duration
            "nodes/shape/retry/maxAttempts",
            "nodes/shape/retry/initialDelay",
            "nodes/shape/retry/backoffFactor",
            "nodes/shape/retry/jitter",
            "nodes/shape/config/value/greeting/1", // template does not parse
            "nodes/wait/config/duration",          // not an ISO-8601 duration
            "nodes/nightly/config/cron",
            "nodes/nightly/config/timeZone",
            "nodes/nightly/config/channel",
            "edges/3/port",                        // condition has no port "maybe"
            "edges/4/port",                        // condition edge without a port
            "edges/5/to",                          // no node "ghost"
            "edges/6/to",                          // edge into a trigger
            "edges/7/port",                        // error port without onError: route
            "edges/9",                             // cycle a -> b -> a
            "nodes/1",                             // unreachable (the duplicate)
            "nodes/2",                             // unreachable (the nameless node)
            "nodes/orphan",                        // unreachable
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), problems.Select(p => p.Path).Order(StringComparer.Ordinal));

        AssertMessage(problems, "nodes/1/id", "'start'", "already used by nodes/0", "unique");
        AssertMessage(problems, "nodes/2/id", "needs an id");
        AssertMessage(problems, "nodes/mystery/type", "'robot' is not a node type");
        AssertMessage(problems, "nodes/fetch/config/tool", "'ftp'", "delay, github, http, search, sql, subworkflow, transform");
        AssertMessage(problems, "nodes/check/config/expression", "does not parse", "line 1, column");
        AssertMessage(problems, "nodes/shape/timeout", "'10 seconds'", "ISO-8601");
        AssertMessage(problems, "nodes/shape/retry/maxAttempts", "1 to 20");
        AssertMessage(problems, "nodes/shape/retry/initialDelay", "'soon'", "ISO-8601");
        AssertMessage(problems, "nodes/shape/retry/backoffFactor", "1 to 10");
        AssertMessage(problems, "nodes/shape/retry/jitter", "0 to 1");
        AssertMessage(problems, "nodes/shape/config/value/greeting/1", "template does not parse", "line 2, column");
        AssertMessage(problems, "nodes/wait/config/duration", "'5 minutes'", "ISO-8601");
        AssertMessage(problems, "nodes/nightly/config/cron", "'0 25 * * *'", "cron");
        AssertMessage(problems, "nodes/nightly/config/timeZone", "'Mars/Olympus'", "time zone");
        AssertMessage(problems, "nodes/nightly/config/channel", "'#general'", "Slack channel id");
        AssertMessage(problems, "edges/3/port", "'check'", "no port 'maybe'", "true, false");
        AssertMessage(problems, "edges/4/port", "need a port", "true or false");
        AssertMessage(problems, "edges/5/to", "'ghost'");
        AssertMessage(problems, "edges/6/to", "'nightly' is a trigger");
        AssertMessage(problems, "edges/7/port", "'shape'", "\"onError\": \"route\"");
        AssertMessage(problems, "edges/9", "'a'", "'b'", "cycle");
        AssertMessage(problems, "nodes/orphan", "cannot be reached");
    }

    [Fact]
    public void Validate_NoTrigger_ReportsMissingTriggerOnly()
    {
        const string json = """
            {"id": "no-trigger", "nodes": [
              {"id": "a", "type": "tool", "config": {"tool": "transform", "value": 1}},
              {"id": "b", "type": "output", "config": {"kind": "end"}}],
             "edges": [{"from": "a", "to": "b"}]}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        var problem = Assert.Single(problems);
        Assert.Equal("nodes", problem.Path);
        Assert.Contains("no trigger", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SelfLoop_ReportsCycleOnThatEdge()
    {
        const string json = """
            {"id": "loop", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "again", "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "go", "to": "again"}, {"from": "again", "to": "again"}]}
            """;

        var problem = Assert.Single(_validator.Validate(WorkflowJson.Parse(json)));

        Assert.Equal("edges/1", problem.Path);
        Assert.Contains("'again'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ApproverTemplateThatDoesNotParse_IsAProblemAtThatApprover()
    {
        // Found by the input fuzz test: this threw, and saving the workflow answered 500.
        const string json = """
            {"id": "ask", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ok", "type": "approval", "config": {"prompt": "Ship?", "approvers": ["{% for", "anyone"]}}],
             "edges": [{"from": "start", "to": "ok"}]}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        AssertMessage(problems, "nodes/ok/config/approvers/0", "does not parse");
    }

    [Fact]
    public void Validate_WorkflowIdGithub_IsReservedForGitHubsSharedHookAddress()
    {
        const string json = """
            {"id": "github", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}], "edges": []}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        AssertMessage(problems, "id", "reserved", "/hooks/github");
    }

    [Fact]
    public void Validate_BadWorkflowIdAndMissingRequiredConfig_ReportsBoth()
    {
        const string json = """
            {"id": "Not An Id", "nodes": [
              {"id": "hook", "type": "trigger", "config": {"kind": "webhook"}},
              {"id": "shape", "type": "tool", "config": {"tool": "transform"}}],
             "edges": [{"from": "hook", "to": "shape"}]}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        Assert.Equal(["id", "nodes/hook/config/secret", "nodes/shape/config/value"], problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        AssertMessage(problems, "nodes/hook/config/secret", "trigger/webhook needs 'secret'");
    }

    [Fact]
    public void Validate_RoutedErrorWithNothingOnTheErrorPort_NamesTheNodesOnError()
    {
        const string json = """
            {"id": "quiet-failure", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "transform", "value": 1}, "onError": "route"},
              {"id": "next", "type": "tool", "config": {"tool": "transform", "value": 2}}],
             "edges": [{"from": "go", "to": "call"}, {"from": "call", "to": "next"}]}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        Assert.Equal(["nodes/call/onError"], problems.Select(p => p.Path));
        AssertMessage(problems, "nodes/call/onError", "'call'", "nothing is connected to its error port");
    }

    [Theory]
    [InlineData("\"\"", "empty")]
    [InlineData("\"   \"", "empty")]
    [InlineData("\" Post the digest\"", "starts or ends with spaces")]
    [InlineData("\"Post the digest \"", "starts or ends with spaces")]
    [InlineData("\"Post\\nthe digest\"", "one line")]
    [InlineData("\"Post\\tthe digest\"", "one line")]
    [InlineData("\"Post\\u2028the digest\"", "one line")]
    [InlineData("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "81 characters; at most 80")]
    public void Validate_BadNodeName_ReportsItAtTheNodesNamePath(string name, string words)
    {
        var json = $$$"""
            {"id": "named", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "post", "name": {{{name}}}, "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "go", "to": "post"}]}
            """;

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        Assert.Equal(["nodes/post/name"], problems.Select(p => p.Path));
        AssertMessage(problems, "nodes/post/name", words);
    }

    [Fact]
    public void Validate_GoodNodeNames_ReportsNoProblemsAndKeepsThem()
    {
        var json = $$$"""
            {"id": "named", "nodes": [
              {"id": "go", "name": "/run named", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "post", "name": "{{{new string('é', 80)}}}", "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "go", "to": "post"}]}
            """;

        var document = WorkflowJson.Parse(json);

        Assert.Empty(_validator.Validate(document));
        Assert.Equal(new string('é', 80), document.Nodes[1].DisplayName);
        Assert.Equal("/run named", WorkflowJson.Parse(WorkflowJson.Serialize(document)).Nodes[0].Name);
    }

    [Fact]
    public void Parse_NodeNameNotAString_SaysSoWithItsPath()
    {
        var e = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse("""{"id": "x", "nodes": [{"id": "a", "name": 3, "type": "trigger"}], "edges": []}"""));

        Assert.Equal("nodes/0/name must be a string, not the number 3.", e.Message);
    }

    private static void AssertMessage(IReadOnlyList<ValidationProblem> problems, string path, params string[] words)
    {
        var problem = Assert.Single(problems, p => p.Path == path);
        foreach (var word in words)
        {
            Assert.True(problem.Message.Contains(word, StringComparison.Ordinal), $"{path}: expected \"{word}\" in \"{problem.Message}\"");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatFlows.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ChatFlows.sln not found above " + AppContext.BaseDirectory);
    }
}
