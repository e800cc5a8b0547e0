using CsCheck;
using Xunit.Abstractions;

namespace ChatFlows.Core.Tests.Model;

/// <summary>
/// Generated workflows — DAGs of steps that fail on given attempts with retries and every onError mode, conditions,
/// approvals and delays that wait and are answered, posts and requests — run on the real engine and SQLite
/// journal, some with a crash at a random journal write, and compared with <see cref="ReferenceModel"/>. A failure
/// prints the seed (set CHATFLOWS_MODEL_SEED to replay it) and the case shrunk to a minimal graph.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class EngineModelTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;

    [Fact]
    public async Task GeneratedWorkflows_RunExactlyAsTheReferenceModelSays()
    {
        await using var harness = await ModelHarness.StartAsync();
        var checkedCases = 0;
        var crashes = 0;
        var started = TimeProvider.System.GetTimestamp();

        await WorkflowGenerator.Workflows.SampleAsync(
            async workflow =>
            {
                var actual = await harness.RunAsync(workflow);
                ModelComparison.AssertMatches(ReferenceModel.Run(workflow), actual);
                Interlocked.Increment(ref checkedCases);
                if (actual.Crashed) Interlocked.Increment(ref crashes);
            },
            writeLine: output.WriteLine,
            seed: Environment.GetEnvironmentVariable("CHATFLOWS_MODEL_SEED"),
            iter: Cases,
            print: workflow => workflow.ToString());

        var summary = $"engine model: {checkedCases} generated workflows matched the reference model ({crashes} restored after a crash) in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s";
        output.WriteLine(summary);
        TestSummary.Write(summary);
        Assert.True(checkedCases >= Cases, summary);
    }
}
