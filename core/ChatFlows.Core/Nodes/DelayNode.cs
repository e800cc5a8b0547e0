using System.Text.Json;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>tool/delay</c>: waits for <c>duration</c>. Short delays are awaited in place; long ones suspend the run on a
/// timed bookmark that the clock resumes.
/// </summary>
public sealed class DelayNode(TimeSpan duration, TimeSpan inlineLimit) : INodeHandler
{
    /// <summary>The bookmark a long delay waits on.</summary>
    public const string Bookmark = "delay";

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "delay", setup => Setup(setup, options))
        {
            Label = "Delay",
            Description = "Waits for a duration.",
            Config = new() { ["duration"] = "PT5S" },
            Fields = [new("duration", "Duration") { Required = true, Hint = "ISO-8601 duration, like PT30S or PT2H." }],
        });

    private static DelayNode? Setup(NodeSetup setup, BuiltInNodeOptions options) =>
        setup.Duration("duration", required: true) is { } duration && !setup.HasProblems ? new DelayNode(duration, options.InlineDelayLimit) : null;

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        // Resumed, or tested on its own (README §Test a node): nothing to wait for.
        if (context.IsResumed || context.IsTest) return NodeResult.Success();
        if (duration <= inlineLimit)
        {
            await Task.Delay(duration, context.Time, ct);
            return NodeResult.Success();
        }
        var wakeAt = context.Time.GetUtcNow() + duration;
        return NodeResult.Wait(Bookmark, JsonSerializer.SerializeToElement(new { until = wakeAt }), wakeAt);
    }
}
