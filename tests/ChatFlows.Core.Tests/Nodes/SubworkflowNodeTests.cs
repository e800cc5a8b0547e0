using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Nodes;

/// <summary>tool/subworkflow run in place (as the command line runs it).</summary>
public sealed class SubworkflowNodeTests
{
    private readonly Dictionary<string, WorkflowDocument> _documents = new(StringComparer.Ordinal);
    private readonly WorkflowEngine _engine;

    public SubworkflowNodeTests()
    {
        var launcher = new InlineSubworkflows(id => _documents.GetValueOrDefault(id));
        _engine = new WorkflowEngine(
            NodeRegistry.CreateDefault(new BuiltInNodeOptions { Subworkflows = launcher, MaxSubworkflowDepth = 3 }), new InMemoryRunStore(), TimeProvider.System);
        launcher.Engine = _engine;
        Add("""
            {"id": "double", "version": 1,
             "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                       {"id": "twice", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.n | times: 2 }}"}}],
             "edges": [{"from": "play", "to": "twice"}]}
            """);
    }

    [Fact]
    public async Task Subworkflow_WithoutEndNode_ResultIsTheChildsData()
    {
        var parent = Add("""
            {"id": "parent", "version": 1,
             "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                       {"id": "call", "type": "tool", "config": {"tool": "subworkflow", "workflow": "double", "input": {"n": "{{ trigger.n }}"}}}],
             "edges": [{"from": "play", "to": "call"}]}
            """);

        var run = await _engine.RunToEndAsync(_engine.Compile(parent), new RunRequest { Trigger = JsonElement.Parse("""{"n": 5}""") });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(10, run.Node("call").Output!.Value.GetProperty("twice").GetInt32());
    }

    [Fact]
    public async Task Subworkflow_Recursive_FailsAtTheConfiguredDepth()
    {
        var loop = Add("""
            {"id": "loop", "version": 1,
             "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                       {"id": "again", "type": "tool", "config": {"tool": "subworkflow", "workflow": "loop"}}],
             "edges": [{"from": "play", "to": "again"}]}
            """);

        var run = await _engine.RunToEndAsync(_engine.Compile(loop), new RunRequest());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("depth limit", run.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("nest 4 runs deep (limit 3)", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingWorkflow_NamesTheField()
    {
        var problems = _engine.Validate(WorkflowJson.Parse("""
            {"id": "p", "version": 1,
             "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                       {"id": "call", "type": "tool", "config": {"tool": "subworkflow"}}],
             "edges": [{"from": "play", "to": "call"}]}
            """));

        Assert.Contains(problems, p => p.Path == "nodes/call/config/workflow");
    }

    private WorkflowDocument Add(string json)
    {
        var document = WorkflowJson.Parse(json);
        _documents[document.Id] = document;
        return document;
    }
}
