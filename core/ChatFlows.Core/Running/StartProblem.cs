namespace ChatFlows.Core.Running;

/// <summary>One reason a run was not started.</summary>
/// <param name="Kind">What kind of problem it is; callers map it to their answer (404, 409, a chat reply).</param>
/// <param name="Path">Where: <c>workflowId</c>, <c>trigger</c>, <c>payload</c>, or a document path such as <c>nodes/ask/config/agent</c>.</param>
/// <param name="Message">A sentence saying what to fix.</param>
public sealed record StartProblem(StartProblemKind Kind, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
