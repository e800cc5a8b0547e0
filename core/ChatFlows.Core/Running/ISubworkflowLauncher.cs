namespace ChatFlows.Core.Running;

/// <summary>
/// Starts the runs of <c>tool/subworkflow</c> nodes: the host queues them durably and resumes the parent when the
/// child ends; the CLI runs them in place.
/// </summary>
public interface ISubworkflowLauncher
{
    /// <summary>
    /// Starts <paramref name="request"/>'s child run under its given id, or finds it when that id was started before
    /// (the parent node ran again after a crash). Returns its outcome (<see cref="ChildRuns.Outcome"/>) when the child
    /// has already ended, or null when the parent must wait for it on <see cref="ChildRuns.Bookmark"/>.
    /// </summary>
    Task<System.Text.Json.JsonElement?> LaunchAsync(SubworkflowRequest request, CancellationToken ct);
}
