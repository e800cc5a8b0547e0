using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>
/// One of a workflow's own tests (README §Workflow tests): a trigger payload, the nodes that are mocked and what the
/// run must do. Tests run offline: nothing outside the run is ever touched.
/// </summary>
public sealed record WorkflowTest
{
    /// <summary>What the test shows, e.g. "an approved order is stored".</summary>
    public required string Name { get; init; }

    /// <summary>The trigger payload.</summary>
    public required JsonElement Trigger { get; init; }

    /// <summary>The trigger node that fires; null picks the first manual trigger, else the first trigger.</summary>
    public string? TriggerNode { get; init; }

    /// <summary>Node id → what the node gives instead of running.</summary>
    public IReadOnlyDictionary<string, NodeMock> Mocks { get; init; } = new Dictionary<string, NodeMock>();

    /// <summary>What the run must do.</summary>
    public TestExpectation Expect { get; init; } = new();
}
