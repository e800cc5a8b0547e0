using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Http;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Model;

/// <summary>
/// The node library generated workflows run on: the built-in kinds, posting to a recording chat channel and
/// sending to a local server, plus <c>tool/step</c>, which fails on the attempts before its <c>failUntil</c>
/// (0: on every attempt) and otherwise outputs its id.
/// </summary>
internal static class ModelNodes
{
    public const string StepTool = "step";

    public const string Channel = "playground:model";

    public static NodeRegistry Create(RecordingChatChannel chat)
    {
        var registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions
        {
            Chat = new ChatChannels([chat]),
            Http = new HttpToolOptions { AllowedHosts = ["127.0.0.1"] },
            InlineDelayLimit = TimeSpan.FromSeconds(5),
        });
        registry.Add(new NodeKind(NodeTypes.Tool, StepTool, setup => new Step(setup.Integer("failUntil", 0, 100) ?? 1, setup.Node.Id)));
        return registry;
    }

    /// <summary>The error a step fails with.</summary>
    public static string Failure(string nodeId) => $"{nodeId} failed";

    private sealed class Step(int failUntil, string id) : INodeHandler
    {
        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) =>
            failUntil == 0 || context.Attempt < failUntil
                ? throw new NodeException(Failure(id))
                : ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToElement(id)));
    }
}
