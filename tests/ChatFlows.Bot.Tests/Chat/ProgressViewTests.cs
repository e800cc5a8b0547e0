using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Tests.Chat;

public sealed class ProgressViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static readonly WorkflowDocument Document = WorkflowJson.Parse("""
        {"id": "deploy", "name": "Deploy check", "version": 3, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "deploy"}},
          {"id": "fetch", "type": "tool", "config": {"tool": "http", "url": "https://example.com"}},
          {"id": "write", "type": "agent", "config": {"agent": "writer", "input": "x"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Go?", "approvers": ["playground:ada"]}},
          {"id": "skip", "type": "output", "config": {"kind": "end"}},
          {"id": "done", "type": "output", "config": {"kind": "end"}}
        ], "edges": []}
        """);

    [Fact]
    public void From_RunMidway_ShowsEachNodesStateDurationAttemptAndShortOutput()
    {
        var fetch = new NodeRecord("fetch")
        {
            Status = NodeStatus.Succeeded,
            Attempts = 2,
            StartedAt = Start,
            FinishedAt = Start.AddMilliseconds(1500),
            Output = JsonSerializer.SerializeToElement(new { status = 200, body = new string('x', 500) }),
        };
        var write = new NodeRecord("write")
        {
            Status = NodeStatus.Succeeded,
            Attempts = 1,
            StartedAt = Start.AddSeconds(2),
            FinishedAt = Start.AddSeconds(4),
            Output = JsonSerializer.SerializeToElement("Release notes:\nline two"),
            Usage = new TokenUsage(1000, 234, 0.0123m),
        };
        var ask = new NodeRecord("ask")
        {
            Status = NodeStatus.Waiting,
            Attempts = 1,
            StartedAt = Start.AddSeconds(4),
            Bookmark = ApprovalNode.Bookmark,
            Output = new ApprovalRequest { Prompt = "Go?", Approvers = ["playground:ada"], RequestedAt = Start.AddSeconds(4) }.ToJson(),
        };
        var run = Run(RunStatus.Waiting, [fetch, write, ask]);

        var view = ProgressView.From(run, Document, Start.AddSeconds(65));

        Assert.Equal("Deploy check", view.WorkflowName);
        Assert.Equal("playground:ada", view.StartedBy);
        Assert.Equal(TimeSpan.FromSeconds(65), view.Elapsed);
        Assert.Equal(["fetch", "write", "ask", "skip", "done"], view.Steps.Select(s => s.NodeId));
        var first = view.Steps[0];
        Assert.Equal((NodeStatus.Succeeded, 2, TimeSpan.FromMilliseconds(1500), "tool/http"), (first.Status, first.Attempts, first.Duration, first.Kind));
        Assert.Equal($"status: 200 · body: {new string('x', 59)}…", first.Summary);
        Assert.Equal("Release notes: line two", view.Steps[1].Summary);
        Assert.Equal("waiting for playground:ada to approve", view.Steps[2].Summary);
        Assert.Equal(NodeStatus.Pending, view.Steps[3].Status);
        Assert.Equal(1234, view.Usage!.TotalTokens);
        Assert.Equal(0.0123m, view.Usage.Cost);
        Assert.False(view.IsFinal);
    }

    [Fact]
    public void From_FailedRun_IsFinalAndNamesTheNodeAndError()
    {
        var fetch = new NodeRecord("fetch") { Status = NodeStatus.Failed, Attempts = 3, StartedAt = Start, FinishedAt = Start.AddSeconds(1), Error = "GET https://example.com answered 503." };
        var run = Run(RunStatus.Failed, [fetch]) with { Error = new RunError("fetch", "GET https://example.com answered 503."), FinishedAt = Start.AddSeconds(1) };

        var view = ProgressView.From(run, Document, Start.AddHours(1));

        Assert.True(view.IsFinal);
        Assert.Equal(TimeSpan.FromSeconds(1), view.Elapsed);
        Assert.Equal("fetch: GET https://example.com answered 503.", view.Error);
        Assert.Equal("GET https://example.com answered 503.", view.Steps[0].Error);
        Assert.Contains("✗ fetch (tool/http) failed in 1.0 s, attempt 3: GET https://example.com answered 503.", ProgressText.Render(view), StringComparison.Ordinal);
    }

    [Fact]
    public void From_DecidedApproval_SaysWhoDecided()
    {
        var ask = new NodeRecord("ask")
        {
            Status = NodeStatus.Succeeded,
            Attempts = 1,
            StartedAt = Start,
            FinishedAt = Start.AddMinutes(3),
            Output = JsonSerializer.SerializeToElement(new { decision = "approved", by = "playground:ada", at = Start.AddMinutes(3) }),
        };
        var run = Run(RunStatus.Succeeded, [ask]) with { FinishedAt = Start.AddMinutes(3), Result = JsonSerializer.SerializeToElement(new { text = "Shipped." }) };

        var view = ProgressView.From(run, Document, Start.AddMinutes(5));

        Assert.Equal("approved by playground:ada", view.Steps.Single(s => s.NodeId == "ask").Summary);
        Assert.Equal("Shipped.", view.Result);
    }

    [Fact]
    public void Queued_NewRun_ListsEveryStepPendingWithoutTriggers()
    {
        var view = ProgressView.Queued("run-1", Document, "slack:U012");

        Assert.Equal(RunStatus.Queued, view.Status);
        Assert.All(view.Steps, s => Assert.Equal(NodeStatus.Pending, s.Status));
        Assert.DoesNotContain(view.Steps, s => s.NodeId == "cmd");
    }

    private static readonly WorkflowDocument Named = WorkflowJson.Parse("""
        {"id": "digest", "name": "Standup digest", "version": 1, "nodes": [
          {"id": "cmd", "name": "/run digest", "type": "trigger", "config": {"kind": "command", "command": "digest"}},
          {"id": "collect", "name": "Collect updates", "type": "tool", "config": {"tool": "transform", "value": "x"}},
          {"id": "anyUpdates", "name": "Any updates?", "type": "condition", "config": {"expression": "true"}},
          {"id": "write", "name": "Write the digest", "type": "agent", "config": {"agent": "writer", "input": "x"}},
          {"id": "review", "name": "Review the digest", "type": "approval", "config": {"prompt": "Post?", "approvers": ["playground:ada", "playground:bob", "playground:cy", "playground:dee"]}},
          {"id": "post", "name": "Post the digest", "type": "output", "config": {"kind": "message", "text": "x"}},
          {"id": "posted", "type": "output", "config": {"kind": "end"}},
          {"id": "quiet", "name": "No updates", "type": "output", "config": {"kind": "end"}}
        ], "edges": []}
        """);

    private static NodeRecord Done(string id, object? output = null) => new(id)
    {
        Status = NodeStatus.Succeeded,
        Attempts = 1,
        StartedAt = Start,
        FinishedAt = Start.AddSeconds(1),
        Output = output is null ? null : JsonSerializer.SerializeToElement(output),
    };

    [Fact]
    public void From_NamedNodes_StepsCarryTheNameAndKeepTheId()
    {
        var view = ProgressView.From(Run(RunStatus.Running, []) with { WorkflowId = "digest" }, Named, Start);

        Assert.Equal(["Collect updates", "Any updates?", "Write the digest", "Review the digest", "Post the digest", "posted", "No updates"], view.Steps.Select(s => s.Name));
        Assert.Equal("collect", view.Steps[0].NodeId);
    }

    [Fact]
    public void From_SucceededPlumbingAndSkippedSteps_FoldIntoOneLine()
    {
        var quiet = new NodeRecord("quiet") { Status = NodeStatus.Skipped };
        var run = Run(RunStatus.Running, [Done("collect", "a;b"), Done("anyUpdates", true), Done("write", "Digest text"), quiet]);

        var view = ProgressView.From(run, Named, Start.AddSeconds(5));

        Assert.Equal("✓ 2 steps done · 1 skipped", view.FoldLine);
        // The end still to come ("posted") is plumbing too: it gets no line before it runs.
        Assert.Equal(["Write the digest", "Review the digest", "Post the digest"], view.Listed.Select(s => s.Name));
        var text = ProgressText.Render(view);
        Assert.Contains("\n✓ 2 steps done · 1 skipped\n✓ Write the digest (agent) succeeded in 1.0 s: Digest text", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Collect updates", text, StringComparison.Ordinal);
        Assert.DoesNotContain("collect", text, StringComparison.Ordinal);
    }

    [Fact]
    public void From_FailedPlumbing_IsListedWithItsErrorAndTheRunErrorNamesIt()
    {
        var collect = new NodeRecord("collect") { Status = NodeStatus.Failed, Attempts = 1, StartedAt = Start, FinishedAt = Start.AddSeconds(1), Error = "Template error: unknown filter 'splt'." };
        var run = Run(RunStatus.Failed, [collect]) with { Error = new RunError("collect", "Template error: unknown filter 'splt'."), FinishedAt = Start.AddSeconds(1) };

        var view = ProgressView.From(run, Named, Start.AddSeconds(5));

        Assert.Null(view.FoldLine);
        Assert.Equal("Collect updates", view.Listed[0].Name);
        Assert.Equal("Template error: unknown filter 'splt'.", view.Listed[0].Error);
        Assert.Equal("Collect updates: Template error: unknown filter 'splt'.", view.Error);
    }

    [Fact]
    public void From_WaitingApproval_SaysWhoMustApproveAndByWhen()
    {
        var review = new NodeRecord("review")
        {
            Status = NodeStatus.Waiting,
            Attempts = 1,
            StartedAt = Start,
            Bookmark = ApprovalNode.Bookmark,
            Output = new ApprovalRequest
            {
                Prompt = "Post?",
                Approvers = ["playground:ada", "playground:bob", "playground:cy", "playground:dee"],
                RequestedAt = Start,
                ExpiresAt = Start.AddHours(8),
            }.ToJson(),
        };

        var view = ProgressView.From(Run(RunStatus.Waiting, [review]), Named, Start.AddMinutes(1));

        Assert.Equal("waiting for playground:ada, playground:bob, playground:cy or 1 more to approve by 2026-11-24 17:00 UTC", view.Steps.Single(s => s.NodeId == "review").Summary);
    }

    [Fact]
    public void From_ObjectResultWithoutText_ReadsAsKeyValueLines()
    {
        var result = new { service = "api", verdict = "Rollout may proceed.", checks = new[] { 1, 2, 3 }, owner = new { team = "web", lead = "ada" }, healthy = true, extra = 1 };
        var run = Run(RunStatus.Succeeded, [Done("write", new { status = 200, items = new[] { "a", "b" } })]) with { Result = JsonSerializer.SerializeToElement(result), FinishedAt = Start.AddSeconds(2) };

        var view = ProgressView.From(run, Named, Start.AddSeconds(5));

        Assert.Equal("service: api\nverdict: Rollout may proceed.\nchecks: 3 items\nowner: 2 fields\n… 2 more", view.Result);
        Assert.Equal("status: 200 · items: 2 items", view.Steps.Single(s => s.NodeId == "write").Summary);
        Assert.DoesNotContain("{", ProgressText.Render(view), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Shipped.\"", "Shipped.")]
    [InlineData("[1, 2, 3]", "3 items")]
    [InlineData("[\"one\"]", "1 item")]
    [InlineData("42", "42")]
    [InlineData("{\"text\": \"Digest posted.\", \"updates\": 3}", "Digest posted.")]
    [InlineData("{\"decision\": \"rejected\", \"by\": \"playground:bob\"}", "rejected by playground:bob")]
    public void Summarize_EachKindOfOutput_ReadsAsText(string json, string expected)
    {
        Assert.Equal(expected, ProgressView.Summarize(JsonElement.Parse(json)));
    }

    [Fact]
    public void Queued_NamedNodes_ListsTheStepsThatDoSomethingByName()
    {
        var view = ProgressView.Queued("run-1", Named, "playground:ada");

        // Nothing has run, so nothing is counted; the plumbing still to come (transform, condition, ends) has no line.
        Assert.Null(view.FoldLine);
        Assert.Equal(["Write the digest", "Review the digest", "Post the digest"], view.Listed.Select(s => s.Name));
    }

    [Theory]
    [InlineData(850, "850 ms")]
    [InlineData(1240, "1.2 s")]
    [InlineData(184_000, "3 min 4 s")]
    [InlineData(7_500_000, "2 h 5 min")]
    public void Duration_AnyLength_ReadsAsAPersonSaysIt(int milliseconds, string expected)
    {
        Assert.Equal(expected, ChatText.Duration(TimeSpan.FromMilliseconds(milliseconds)));
    }

    private static StoredRun Run(RunStatus status, IReadOnlyList<NodeRecord> nodes) => new()
    {
        Id = "0199run",
        WorkflowId = "deploy",
        WorkflowVersion = 3,
        Status = status,
        Trigger = JsonSerializer.SerializeToElement(new { }),
        StartedBy = "playground:ada",
        CreatedAt = Start,
        StartedAt = Start,
        Nodes = nodes,
    };
}
