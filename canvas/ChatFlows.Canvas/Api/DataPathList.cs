using ChatFlows.Core.Expressions;

namespace ChatFlows.Canvas.Api;

/// <summary>The answer of <c>POST /api/workflows/paths</c>.</summary>
/// <param name="RunId">The run the examples come from; null when no run of the workflow has started yet.</param>
/// <param name="TriggerSource">Where <c>trigger</c> comes from: <c>pinned</c>, <c>run</c> or <c>shape</c>.</param>
/// <param name="Paths">Every path, trigger first, then the upstream nodes' data, run and (credential fields only) secret names.</param>
internal sealed record DataPathList(string? RunId, string TriggerSource, IReadOnlyList<DataPath> Paths);
