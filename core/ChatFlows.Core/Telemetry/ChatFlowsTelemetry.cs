using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatFlows.Core.Telemetry;

/// <summary>
/// The one activity source and meter ChatFlows reports through (README §Telemetry). With no listener (no exporter
/// configured) starting an activity or recording a measurement costs a null check, so the engine calls them freely.
/// </summary>
public static class ChatFlowsTelemetry
{
    /// <summary>The name of the activity source and of the meter; exporters subscribe to it.</summary>
    public const string Name = "ChatFlows";

    /// <summary>
    /// The activity source and meter of Microsoft.Extensions.AI's OpenTelemetry chat client, which every agent model call
    /// goes through: the <c>chat {model}</c> spans and the GenAI metrics <c>gen_ai.client.token.usage</c> and
    /// <c>gen_ai.client.operation.duration</c>. It is the client's default name, the one its documentation tells
    /// exporters to subscribe to.
    /// </summary>
    public const string ModelCalls = "Experimental.Microsoft.Extensions.AI";

    /// <summary>Where run and node spans come from.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>Where run, node, queue and chat delivery metrics come from.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>The root span of a run (the GenAI semantic conventions' name for invoking a workflow).</summary>
    public const string InvokeWorkflow = "invoke_workflow";
}
