using System.Text;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Model;

/// <summary>What a generated node does.</summary>
internal enum ModelKind
{
    /// <summary>A tool that fails on attempts below <see cref="ModelNode.FailUntil"/>, with retries and onError.</summary>
    Step,
    Condition,
    Approval,
    Delay,
    /// <summary>output/message to a chat channel: a side effect.</summary>
    Post,
    /// <summary>tool/http POST to a local server: a side effect.</summary>
    Request,
}

/// <summary>How a waiting approval is answered.</summary>
internal enum ModelDecision
{
    Approved,
    Rejected,
    Expired,
}

internal sealed record ModelNode(string Id, ModelKind Kind)
{
    /// <summary>The first attempt that succeeds; <see cref="Never"/> for a node that always fails.</summary>
    public int FailUntil { get; init; } = 1;

    public int MaxAttempts { get; init; } = 1;

    public string OnError { get; init; } = OnErrorModes.Fail;

    /// <summary>A condition's value.</summary>
    public bool Value { get; init; }

    /// <summary>How an approval is answered.</summary>
    public ModelDecision Decision { get; init; }

    public const int Never = int.MaxValue;
}

internal sealed record ModelEdge(string From, string? Port, string To);

/// <summary>
/// A generated workflow: a manual trigger <c>start</c> and a DAG of <see cref="ModelNode"/>s, plus the journal
/// write after which the process running it dies (none when <see cref="CrashAfterWrites"/> is null).
/// </summary>
internal sealed record GeneratedWorkflow(IReadOnlyList<ModelNode> Nodes, IReadOnlyList<ModelEdge> Edges, int? CrashAfterWrites)
{
    public const string Trigger = "start";

    public WorkflowDocument ToDocument(string requestUrl)
    {
        var nodes = new JsonArray { new JsonObject { ["id"] = Trigger, ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "manual" } } };
        foreach (var node in Nodes) nodes.Add(ToJson(node, requestUrl));
        var edges = new JsonArray();
        foreach (var edge in Edges)
        {
            var json = new JsonObject { ["from"] = edge.From, ["to"] = edge.To };
            if (edge.Port is not null) json["port"] = edge.Port;
            edges.Add(json);
        }
        var document = new JsonObject { ["id"] = "generated", ["version"] = 1, ["nodes"] = nodes, ["edges"] = edges };
        return WorkflowJson.Parse(document.ToJsonString());
    }

    private static JsonObject ToJson(ModelNode node, string requestUrl) => node.Kind switch
    {
        ModelKind.Step => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "tool",
            ["config"] = new JsonObject { ["tool"] = ModelNodes.StepTool, ["failUntil"] = node.FailUntil == ModelNode.Never ? 0 : node.FailUntil },
            ["retry"] = new JsonObject { ["maxAttempts"] = node.MaxAttempts, ["initialDelay"] = "PT0S", ["jitter"] = 0 },
            ["onError"] = node.OnError,
        },
        ModelKind.Condition => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "condition",
            ["config"] = new JsonObject { ["expression"] = node.Value ? "true" : "false" },
        },
        ModelKind.Approval => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "approval",
            ["config"] = new JsonObject { ["prompt"] = "Go on?", ["approvers"] = new JsonArray("anyone"), ["timeout"] = "PT1H" },
        },
        ModelKind.Delay => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "tool",
            ["config"] = new JsonObject { ["tool"] = "delay", ["duration"] = "PT1H" },
        },
        ModelKind.Post => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "output",
            ["config"] = new JsonObject { ["kind"] = "message", ["channel"] = ModelNodes.Channel, ["text"] = $"{node.Id} of {{{{ run.id }}}}" },
        },
        ModelKind.Request => new JsonObject
        {
            ["id"] = node.Id,
            ["type"] = "tool",
            ["config"] = new JsonObject
            {
                ["tool"] = "http",
                ["method"] = "POST",
                ["url"] = $"{requestUrl}?run={{{{ run.id }}}}&node={node.Id}",
                ["body"] = new JsonObject { ["from"] = node.Id },
            },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    /// <summary>The case in a few lines, as the shrunk counterexample is printed.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes)
        {
            text.Append(node.Id).Append(": ").Append(node.Kind);
            if (node.Kind == ModelKind.Step)
            {
                var fails = node.FailUntil == ModelNode.Never ? "always fails" : node.FailUntil == 1 ? "succeeds" : $"fails before attempt {node.FailUntil}";
                text.Append($" ({fails}, maxAttempts {node.MaxAttempts}, onError {node.OnError})");
            }
            if (node.Kind == ModelKind.Condition) text.Append($" ({(node.Value ? "true" : "false")})");
            if (node.Kind == ModelKind.Approval) text.Append($" ({node.Decision})");
            text.AppendLine();
        }
        text.AppendLine("edges: " + string.Join(", ", Edges.Select(e => e.Port is null ? $"{e.From}->{e.To}" : $"{e.From}.{e.Port}->{e.To}")));
        text.Append(CrashAfterWrites is { } crash ? $"crash after journal write {crash}" : "no crash");
        return text.ToString();
    }
}
