using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Mail;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using MimeKit;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>What the data picker offers a node: upstream outputs only, paths Liquid and JavaScript both read, and trigger shapes that match the real payloads.</summary>
public sealed class DataPathsTests
{
    // t → a → c, t → b → c, c → d; a's output key is alpha.
    private static readonly WorkflowDocument Diamond = WorkflowJson.Parse("""
        {"id": "diamond", "nodes": [
          {"id": "t", "type": "trigger", "config": {"kind": "manual"}},
          {"id": "a", "type": "tool", "config": {"tool": "transform", "value": 1}, "output": "alpha"},
          {"id": "b", "type": "tool", "config": {"tool": "transform", "value": 2}, "onError": "continue"},
          {"id": "c", "type": "tool", "config": {"tool": "transform", "value": 3}},
          {"id": "d", "type": "tool", "config": {"tool": "transform", "value": 4}},
          {"id": "skipped", "type": "tool", "config": {"tool": "transform", "value": 5}}],
         "edges": [{"from": "t", "to": "a"}, {"from": "t", "to": "b"}, {"from": "a", "to": "c"}, {"from": "b", "to": "c"}, {"from": "c", "to": "d"}, {"from": "t", "to": "skipped"}, {"from": "skipped", "to": "c"}]}
        """);

    [Fact]
    public void For_ANodeAfterADiamond_TakesTheLastRunsOutputsOfItsAncestorsOnlyUnderTheirOutputKeys()
    {
        var run = Run(
            ("t", NodeStatus.Succeeded, """{"who": "ada"}"""),
            ("a", NodeStatus.Succeeded, """{"n": 1}"""),
            ("b", NodeStatus.Failed, """{"error": "boom", "nodeId": "b", "attempts": 1}"""),
            ("skipped", NodeStatus.Skipped, null),
            ("c", NodeStatus.Succeeded, "3"),
            ("d", NodeStatus.Succeeded, "4"));

        var sample = DataSample.For(Diamond, "c", run);

        Assert.Equal(["t", "alpha", "b"], sample.Data.Select(d => d.Key));
        Assert.Equal(["skipped"], sample.Missing);
        Assert.Equal("boom", sample.Data.Single(d => d.Key == "b").Value.Value.GetProperty("error").GetString());
        Assert.Equal("run", sample.TriggerSource);
        Assert.Equal("ada", sample.Trigger.GetProperty("who").GetString());
        Assert.Equal("run-7", sample.Run.GetProperty("id").GetString());
    }

    [Fact]
    public void For_PinnedData_WinsOverTheLastRun()
    {
        var pinned = Diamond with { Pinned = System.Text.Json.Nodes.JsonNode.Parse("""{"trigger": {"who": "pinned"}, "nodes": {"a": {"n": 99}}}""")!.AsObject() };

        var sample = DataSample.For(pinned, "c", Run(("t", NodeStatus.Succeeded, "{}"), ("a", NodeStatus.Succeeded, """{"n": 1}""")));

        Assert.Equal("pinned", sample.TriggerSource);
        Assert.Equal("pinned", sample.Trigger.GetProperty("who").GetString());
        var (value, source) = sample.Data.Single(d => d.Key == "alpha").Value;
        Assert.Equal((99, "pinned"), (value.GetProperty("n").GetInt32(), source));
    }

    [Fact]
    public async Task List_ArraysAndKeysThatAreNotNames_OfferPathsThatTemplatesAndConditionsRead()
    {
        var document = WorkflowJson.Parse("""
            {"id": "x", "nodes": [
              {"id": "t", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "transform", "value": 1}},
              {"id": "use", "type": "tool", "config": {"tool": "transform", "value": 2}}],
             "edges": [{"from": "t", "to": "fetch"}, {"from": "fetch", "to": "use"}]}
            """);
        var sample = DataSample.For(document, "use", Run(("fetch", NodeStatus.Succeeded, """{"items": [{"name": "web"}, {"name": "db"}], "x-count": 2}""")));

        var template = DataPaths.List(sample, expression: false).ToDictionary(p => p.Path);
        var expression = DataPaths.List(sample, expression: true).ToDictionary(p => p.Path);

        Assert.Equal(new DataPath("data.fetch.items[0].name", "string", "web", "run"), template["data.fetch.items[0].name"]);
        Assert.Equal("2", template["data.fetch.items.size"].Example);
        Assert.Equal("2", expression["data.fetch.items.length"].Example);
        Assert.Contains("data.fetch[\"x-count\"]", template.Keys);
        Assert.Equal("web 2 2", await Template.Parse("{{ data.fetch.items[0].name }} {{ data.fetch.items.size }} {{ data.fetch[\"x-count\"] }}", "t").RenderAsync(sample.Scope));
        Assert.Equal("[\"web\",2,2]", Condition.Parse("[data.fetch.items[0].name, data.fetch.items.length, data.fetch[\"x-count\"]]", "c").EvaluateToJson(sample.Scope).GetRawText());
    }

    [Fact]
    public void List_AHugeOutput_StopsAtTheMostPathsAndShortensExamples()
    {
        var document = WorkflowJson.Parse("""
            {"id": "x", "nodes": [{"id": "t", "type": "trigger", "config": {"kind": "manual"}}, {"id": "use", "type": "tool", "config": {"tool": "transform", "value": 2}}],
             "edges": [{"from": "t", "to": "use"}]}
            """);
        var big = JsonSerializer.Serialize(Enumerable.Range(0, 2000).ToDictionary(i => $"k{i}", _ => new string('x', 500)));

        var paths = DataPaths.List(DataSample.For(document, "use", Run(("t", NodeStatus.Succeeded, big))), expression: false);

        Assert.Equal(DataPaths.MaxPaths, paths.Count);
        var example = paths.First(p => p.Path == "data.t.k0").Example!;
        Assert.Equal(DataPaths.MaxExampleLength, example.Length);
        Assert.EndsWith("…", example, StringComparison.Ordinal);
    }

    [Fact]
    public void For_AnEmailTriggerThatNeverRan_OffersThePayloadAnEmailRunGets()
    {
        var document = WorkflowJson.Parse("""
            {"id": "x", "nodes": [{"id": "mail", "type": "trigger", "config": {"kind": "email", "connection": "team-mail"}}, {"id": "use", "type": "tool", "config": {"tool": "transform", "value": 2}}],
             "edges": [{"from": "mail", "to": "use"}]}
            """);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Ana", "ana@example.com"));
        message.To.Add(new MailboxAddress("", "team@example.com"));
        message.Subject = "Hello";
        message.Body = new TextPart("plain") { Text = "Hi" };

        var sample = DataSample.For(document, "use", null);

        Assert.Equal("shape", sample.TriggerSource);
        Assert.Equal(EmailPayload.From(message).EnumerateObject().Select(p => p.Name), sample.Trigger.EnumerateObject().Select(p => p.Name));
        // The trigger's own output is its payload.
        Assert.Equal(["mail"], sample.Data.Select(d => d.Key));
    }

    private static StoredRun Run(params (string Node, NodeStatus Status, string? Output)[] nodes) => new()
    {
        Id = "run-7",
        WorkflowId = "diamond",
        WorkflowVersion = 1,
        Status = RunStatus.Succeeded,
        Trigger = JsonElement.Parse("""{"who": "ada"}"""),
        CreatedAt = DateTimeOffset.UnixEpoch,
        Nodes = nodes.Select(n => new NodeRecord(n.Node) { Status = n.Status, Output = n.Output is null ? null : JsonElement.Parse(n.Output) }).ToArray(),
    };
}
