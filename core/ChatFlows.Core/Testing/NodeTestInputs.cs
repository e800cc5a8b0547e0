using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>
/// What a tested node sees (README §Test a node): the trigger payload as <c>trigger</c>, and the outputs of other
/// nodes by node id, as <c>data</c> under their output keys.
/// </summary>
public sealed record NodeTestInputs(JsonElement Trigger, IReadOnlyDictionary<string, JsonElement> Nodes);
