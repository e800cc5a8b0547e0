using ChatFlows.Core.Testing;

namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>POST /api/workflows/{id}/tests</c>: how many passed and failed, and each test's result.</summary>
internal sealed record TestRun(string WorkflowId, int Passed, int Failed, IReadOnlyList<WorkflowTestResult> Tests);
