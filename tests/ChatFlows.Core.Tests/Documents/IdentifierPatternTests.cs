using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Tests.Documents;

/// <summary>
/// Identifiers match as a whole: .NET's <c>$</c> also matches before a final newline, so <c>"deploy\n"</c> passed
/// for an id, was stored, and then named nothing anyone could type.
/// </summary>
public sealed class IdentifierPatternTests
{
    private readonly WorkflowValidator _validator = new(NodeRegistry.CreateDefault());

    private static string Workflow(string id = "wf", string nodeId = "play", string output = "shaped", string command = "go", string agent = "writer") => $$$"""
        {"id": {{{Quote(id)}}}, "nodes": [
          {"id": {{{Quote(nodeId)}}}, "type": "trigger", "config": {"kind": "manual"}},
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": {{{Quote(command)}}}}},
          {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": 1}, "output": {{{Quote(output)}}}},
          {"id": "ask", "type": "agent", "config": {"agent": {{{Quote(agent)}}}, "input": "hi"}}],
         "edges": [{"from": {{{Quote(nodeId)}}}, "to": "shape"}, {"from": "cmd", "to": "shape"}, {"from": "shape", "to": "ask"}]}
        """;

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    [Fact]
    public void Validate_WellFormedIdentifiers_NoProblems() =>
        Assert.Empty(_validator.Validate(WorkflowJson.Parse(Workflow())));

    [Theory]
    [InlineData("id", "id")]
    [InlineData("node", "nodes/0/id")]
    [InlineData("output", "nodes/shape")]
    [InlineData("command", "nodes/cmd")]
    [InlineData("agent", "nodes/ask")]
    public void Validate_IdentifierWithTrailingNewline_ReportsItsField(string which, string path)
    {
        var json = which switch
        {
            "id" => Workflow(id: "wf\n"),
            "node" => Workflow(nodeId: "play\n"),
            "output" => Workflow(output: "shaped\n"),
            "command" => Workflow(command: "go\n"),
            _ => Workflow(agent: "writer\n"),
        };

        var problems = _validator.Validate(WorkflowJson.Parse(json));

        Assert.Contains(problems, p => p.Path == path || p.Path.StartsWith(path + "/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("API_TOKEN", true)]
    [InlineData("API_TOKEN\n", false)]
    [InlineData("\nAPI_TOKEN", false)]
    public void IsValidName_TrailingNewline_IsNotAName(string name, bool valid) =>
        Assert.Equal(valid, SecretVault.IsValidName(name));

    [Theory]
    [InlineData("writer")]
    [InlineData("writer\n")]
    public void Validate_AgentIdWithTrailingNewline_ReportsId(string id)
    {
        var problems = new AgentValidator([], []).Validate(new AgentDefinition { Id = id, Name = "Writer", Instructions = "Write." });

        Assert.Equal(id.EndsWith('\n'), problems.Any(p => p.Path == "id"));
    }

    [Theory]
    [InlineData("playground:ops\n")]
    [InlineData("slack:C0123ABCD\n")]
    public void TryParse_ChannelWithTrailingNewline_IsNotAnAddress(string text) =>
        Assert.False(ChannelAddress.TryParse(text, out _, out _));
}
