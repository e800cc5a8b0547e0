namespace ChatFlows.Core.Testing;

/// <summary>How one workflow test went.</summary>
/// <param name="Name">The test's name.</param>
/// <param name="Passed">True when the run did everything the test expects.</param>
/// <param name="Mismatches">Each difference as a sentence with its path (<c>outputs.check.status: expected 200, got 503</c>).</param>
/// <param name="Status">How the run ended: succeeded, failed, waiting, expired; <c>not run</c> when it could not start.</param>
/// <param name="Ran">The nodes that ran, in the order they finished.</param>
public sealed record WorkflowTestResult(string Name, bool Passed, IReadOnlyList<string> Mismatches, string Status, IReadOnlyList<string> Ran);
