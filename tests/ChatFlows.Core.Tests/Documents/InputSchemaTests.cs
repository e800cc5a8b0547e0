using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Documents;

/// <summary>A manual trigger's input schema: checked when the workflow is saved, and every start checked against it.</summary>
public sealed class InputSchemaTests
{
    private const string Deploy = """
        {
          "id": "deploy",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual", "input": {
              "type": "object",
              "properties": {
                "service": {"type": "string", "description": "The service to deploy", "enum": ["web", "api"]},
                "count": {"type": "integer"},
                "dry": {"type": "boolean", "default": false},
                "tags": {"type": "array", "items": {"type": "string"}},
                "region": {"type": "string", "default": "eu"},
                "target": {"type": "object", "properties": {"host": {"type": "string"}}, "required": ["host"]}
              },
              "required": ["service"]
            }}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ trigger.args.service }}"}}
          ],
          "edges": [{"from": "start", "to": "done"}]
        }
        """;

    private static readonly NodeRegistry Registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions());

    [Fact]
    public void Check_SchemaWithMistakes_NamesEachMistakeByItsPath()
    {
        var document = WorkflowJson.Parse("""
            {
              "id": "broken",
              "nodes": [
                {"id": "start", "type": "trigger", "config": {"kind": "manual", "input": {
                  "type": "object",
                  "properties": {
                    "service": {"type": "text"},
                    "count": {"type": "integer", "default": "three"},
                    "when": {"type": "string", "format": "date-time"},
                    "mode": {"type": "string", "enum": ["fast", 2]}
                  },
                  "required": ["count", "nobody"]
                }}}
              ],
              "edges": []
            }
            """);

        var problems = new WorkflowValidator(Registry).Check(document).Problems;

        Assert.Equal(
            [
                "nodes/start/config/input/properties/count/default",
                "nodes/start/config/input/properties/mode/enum/1",
                "nodes/start/config/input/properties/service/type",
                "nodes/start/config/input/properties/when/format",
                "nodes/start/config/input/required/1",
            ],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("'text' is not an input type; use one of string, number, integer, boolean, array, object", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_SchemaNotAnObjectOfInputs_PointsAtItsType()
    {
        var document = WorkflowJson.Parse("""
            {"id": "list", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual", "input": {"type": "array"}}}], "edges": []}
            """);

        var problem = Assert.Single(new WorkflowValidator(Registry).Check(document).Problems);

        Assert.Equal("nodes/start/config/input/type", problem.Path);
    }

    [Fact]
    public void Check_ArgumentsMissingOrOfTheWrongType_RefusedNamingEachArgument()
    {
        var plan = WorkflowPlan.Compile(WorkflowJson.Parse(Deploy), Registry);

        var problems = RunStarter.Check(plan, Request("""{"args": {"count": "many", "service": "db", "target": {}}}"""));

        Assert.All(problems, p => Assert.Equal(StartProblemKind.InvalidInput, p.Kind));
        Assert.Equal(
            ["service: must be one of web, api, not 'db'", "count: must be an integer, not 'many'", "target/host: required"],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Check_NoArgumentsForARequiredInput_SaysItIsRequired()
    {
        var plan = WorkflowPlan.Compile(WorkflowJson.Parse(Deploy), Registry);

        var problem = Assert.Single(RunStarter.Check(plan, Request("{}")));

        Assert.Equal("service: required (The service to deploy)", problem.ToString());
    }

    [Fact]
    public void Admit_ArgumentsAsText_TurnedIntoTheSchemasTypesWithDefaultsFilledIn()
    {
        var plan = WorkflowPlan.Compile(WorkflowJson.Parse(Deploy), Registry);

        var problems = RunStarter.Admit(plan, Request("""{"args": {"service": "web", "count": "3", "tags": "blue, green"}, "user": "ada"}"""), out var admitted);

        Assert.Empty(problems);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"args": {"service": "web", "count": 3, "dry": false, "tags": ["blue", "green"], "region": "eu"}, "user": "ada"}"""),
            JsonNode.Parse(admitted.Trigger.GetRawText())), admitted.Trigger.GetRawText());
    }

    [Fact]
    public void Admit_TriggerWithoutSchema_TakesAnyArguments()
    {
        var plan = WorkflowPlan.Compile(WorkflowJson.Parse("""
            {"id": "free", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}], "edges": []}
            """), Registry);

        Assert.Empty(RunStarter.Admit(plan, Request("""{"args": {"anything": [1, 2]}}"""), out var admitted));
        Assert.Equal("""{"args": {"anything": [1, 2]}}""", admitted.Trigger.GetRawText());
    }

    private static RunRequest Request(string trigger) => new() { Trigger = JsonElement.Parse(trigger) };
}
