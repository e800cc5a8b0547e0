using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Messaging;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>output/message</c>: posts <c>text</c> (a template, Markdown-ish) and/or a <c>card</c> (JSON whose strings are
/// templates) to <c>channel</c>, or by default to the run's chat thread. What was posted is recorded as an effect
/// first thing after posting, so a re-execution after a crash does not post twice. A run without a thread (started
/// from the API, a webhook or the canvas) and without a channel keeps the message in its run detail only.
/// </summary>
public sealed class MessageNode(Template? text, JsonTemplate? card, Template? channel, ChatChannels? channels) : INodeHandler
{
    private const string PostedEffect = "posted";

    /// <summary>Registers the kind; messages are posted through <paramref name="channels"/>.</summary>
    public static void Register(NodeRegistry registry, ChatChannels? channels) =>
        registry.Add(new NodeKind(NodeTypes.Output, "message", setup => Setup(setup, channels))
        {
            SideEffect = "posts a message to chat",
            Label = "Message",
            Description = "Posts a message or card to the thread or a channel.",
            Config = new() { ["text"] = "" },
            Fields =
            [
                new("text", "Text", NodeFieldTypes.Textarea) { Template = true, Hint = "A template." },
                new("card", "Card", NodeFieldTypes.Json) { Template = true, Hint = "An Adaptive Card object." },
                new("channel", "Channel") { Template = true, Hint = "Empty: the run's thread." },
            ],
        });

    private static MessageNode? Setup(NodeSetup setup, ChatChannels? channels)
    {
        var text = setup.Template("text");
        var card = setup.JsonTemplate("card");
        if (card is not null && setup.Node.Config["card"] is not System.Text.Json.Nodes.JsonObject) setup.Problem("card", "card must be a JSON object (an Adaptive Card).");
        if (!setup.Node.Config.ContainsKey("text") && !setup.Node.Config.ContainsKey("card")) setup.Problem("text", "output/message needs 'text', 'card' or both.");
        Template? channel = null;
        if (setup.String("channel") is { } address)
        {
            // A fixed address is checked now; one computed from the run is checked when it is rendered.
            if (Template.HasMarkup(address)) channel = setup.Template("channel");
            else if (setup.Channel("channel") is not null) channel = Template.Parse(address, setup.FieldPath("channel"), setup.Sandbox);
        }
        return setup.HasProblems ? null : new MessageNode(text, card, channel, channels);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var body = text is null ? null : await text.RenderAsync(context.Scope);
        var cardValue = card is null ? (JsonElement?)null : await card.EvaluateAsync(context.Scope);
        var target = await TargetAsync(context);
        // A test of the node shows the message and where it would go; nothing is ever posted (README §Test a node).
        if (context.IsTest) return NodeResult.Success(JsonSerializer.SerializeToElement(new { text = body, card = cardValue, wouldPostTo = target ?? "the run's thread" }));
        if (target is null) return NodeResult.Success(Output(body, cardValue, null, null));

        if (await context.Effects.FindAsync(PostedEffect, ct) is { } posted) return NodeResult.Success(posted);
        var poster = channels ?? throw new NodeException($"Cannot post to {target}: no chat adapters are set up in this process.");
        var message = new ChatMessage
        {
            Target = target,
            Text = body,
            Card = cardValue,
            RunId = context.RunId,
            WorkflowId = context.WorkflowId,
            NodeId = context.Node.Id,
        };
        var result = await poster.PostAsync(message, ct);
        var output = Output(body, cardValue, result.Target, result.MessageId);
        await context.Effects.RecordAsync(PostedEffect, output, ct);
        return NodeResult.Success(output);
    }

    private async ValueTask<string?> TargetAsync(NodeContext context)
    {
        if (channel is null) return context.Request.Thread;
        var address = await channel.RenderAsync(context.Scope);
        // A computed address may be a chat run's own thread (trigger.thread: card:<run id>, resolved when posting).
        if (ChatChannels.CardRunOf(address) is not null) return address;
        if (!ChannelAddress.TryParse(address, out _, out var error)) throw new NodeException($"channel: {error}");
        return address;
    }

    private static JsonElement Output(string? text, JsonElement? card, string? target, string? messageId) =>
        JsonSerializer.SerializeToElement(new { text, card, postedTo = target, messageId });
}
