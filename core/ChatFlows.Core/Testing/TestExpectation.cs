using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>What a workflow test expects of its run; every part is optional and only what is given is checked.</summary>
public sealed record TestExpectation
{
    /// <summary>The run's status: succeeded, failed, waiting or expired.</summary>
    public string? Status { get; init; }

    /// <summary>The nodes that ran, in any order; a node not listed must not have run.</summary>
    public IReadOnlyList<string>? Path { get; init; }

    /// <summary>Node id → succeeded, skipped or failed.</summary>
    public IReadOnlyDictionary<string, string>? Nodes { get; init; }

    /// <summary>Node id → its expected output; objects match as a subset.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Outputs { get; init; }

    /// <summary>The run's expected result; objects match as a subset.</summary>
    public JsonElement? Result { get; init; }
}
