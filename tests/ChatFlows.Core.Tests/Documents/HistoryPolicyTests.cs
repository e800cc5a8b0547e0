using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Documents;

/// <summary>A workflow's <c>history</c> field (docs/semantics.md §History policies): read, written, validated, diffed, compiled.</summary>
public sealed class HistoryPolicyTests
{
    private static readonly NodeRegistry Registry = NodeRegistry.CreateDefault();

    private static string Document(string? history) => $$$"""
        {
          "id": "hook", "version": 1{{{(history is null ? "" : $", \"history\": {history}")}}},
          "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}],
          "edges": []
        }
        """;

    [Fact]
    public void Parse_ErrorsPolicy_IsReadAndWrittenBeforeTheNodes()
    {
        var document = WorkflowJson.Parse(Document("\"errors\""));

        Assert.Equal(HistoryPolicies.Errors, document.History);
        Assert.Contains("\"version\": 1,\n  \"history\": \"errors\",\n  \"nodes\"", WorkflowJson.Serialize(document), StringComparison.Ordinal);
        Assert.Equal(WorkflowJson.Serialize(document), WorkflowJson.Serialize(WorkflowJson.Parse(WorkflowJson.Serialize(document))));
    }

    [Fact]
    public void Serialize_DefaultPolicy_IsNotWritten()
    {
        var written = WorkflowJson.Serialize(WorkflowJson.Parse(Document("\"all\"")));

        Assert.DoesNotContain("history", written, StringComparison.Ordinal);
        Assert.Equal(HistoryPolicies.All, WorkflowPlan.Compile(WorkflowJson.Parse(written), Registry).History);
    }

    [Fact]
    public void Parse_HistoryNotAString_NamesTheField()
    {
        var error = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(Document("false")));

        Assert.Equal("history must be a string, not false.", error.Message);
    }

    [Fact]
    public void Validate_UnknownPolicy_ProblemAtHistoryListsTheAllowedValues()
    {
        var problems = new WorkflowValidator(Registry).Validate(WorkflowJson.Parse(Document("\"failures\"")));

        var problem = Assert.Single(problems);
        Assert.Equal("history", problem.Path);
        Assert.Equal("'failures' is not a history policy; use all (keep every run), errors (keep only failed, cancelled and expired runs) or none (keep no ended run).", problem.Message);
    }

    [Fact]
    public void Between_PolicyChanged_ReportsTheHistoryField()
    {
        var diff = WorkflowDiff.Between(WorkflowJson.Parse(Document(null)), WorkflowJson.Parse(Document("\"none\"")));

        var change = Assert.Single(diff.Document);
        Assert.Equal(("history", FieldChangeKind.Added, "none"), (change.Path, change.Kind, change.New!.GetValue<string>()));
        Assert.Equal("history changed", diff.Summary);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("all", "")]
    [InlineData("errors", "succeeded")]
    [InlineData("none", "succeeded failed cancelled expired")]
    public void ForgetsEnded_EachPolicy_ForgetsOnlyTheEndedRunsItDoesNotKeep(string? history, string forgotten)
    {
        var plan = WorkflowPlan.Compile(WorkflowJson.Parse(Document(history is null ? null : $"\"{history}\"")), Registry);

        var statuses = Enum.GetValues<RunStatus>().Where(plan.ForgetsEnded).Select(s => s.ToText());

        Assert.Equal(forgotten, string.Join(' ', statuses));
    }
}
