namespace ChatFlows.Canvas.Api;

/// <summary>The answer to a request that started or cancelled a run: <c>{ "runId": … }</c>.</summary>
/// <param name="RunId">The run, readable at <c>/api/runs/{runId}</c>.</param>
public sealed record RunAccepted(string RunId);
