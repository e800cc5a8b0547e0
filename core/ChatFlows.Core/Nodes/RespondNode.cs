using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>output/respond</c>: the HTTP response of a webhook run, <c>{ status, body }</c>. Its output is the run's result;
/// the run goes on after it.
/// </summary>
public sealed class RespondNode(JsonTemplate? body, int status) : INodeHandler
{
    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Output, "respond", Setup)
        {
            Pure = true,
            ProducesRunResult = true,
            Label = "Respond",
            Description = "Answers the webhook request.",
            Config = new() { ["body"] = new JsonObject(), ["status"] = 200 },
            Fields =
            [
                new("body", "Body", NodeFieldTypes.Json) { Template = true },
                new("status", "Status", NodeFieldTypes.Number),
            ],
        });

    private static RespondNode? Setup(NodeSetup setup)
    {
        var body = setup.JsonTemplate("body");
        var status = setup.Integer("status", 100, 599) ?? 200;
        return setup.HasProblems ? null : new RespondNode(body, status);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", status);
            writer.WritePropertyName("body");
            if (body is null) writer.WriteNullValue();
            else (await body.EvaluateAsync(context.Scope)).WriteTo(writer);
            writer.WriteEndObject();
        }
        return NodeResult.Success(JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions));
    }
}
