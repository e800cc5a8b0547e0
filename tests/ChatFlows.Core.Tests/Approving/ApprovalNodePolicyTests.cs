using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>The approval node's policy fields (README §Approvals): each bad value is a problem at its own path.</summary>
public sealed class ApprovalNodePolicyTests
{
    private static readonly WorkflowValidator Validator = new(NodeRegistry.CreateDefault(new BuiltInNodeOptions
    {
        ApprovalEmailLists = new Dictionary<string, List<string>> { ["release"] = ["ana@corp.example"] },
    }));

    private static IReadOnlyList<ValidationProblem> Validate(string config) =>
        Validator.Validate(WorkflowJson.Parse($$$"""
            {"id": "ask", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ok", "type": "approval", "config": {"prompt": "Ship?", {{{config}}} }}],
             "edges": [{"from": "start", "to": "ok"}]}
            """));

    [Theory]
    [InlineData("\"approvers\": [\"slack:U1\"], \"remind\": \"hourly\"", "remind", "ISO-8601")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"remind\": \"PT0S\"", "remind", "positive")]
    [InlineData("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": \"most\"", "quorum", "any, all")]
    [InlineData("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 0", "quorum", "at least 1")]
    [InlineData("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 3", "quorum", "needs 3 distinct approvers")]
    [InlineData("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": \"3\"", "quorum", "names 2")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"rejectQuorum\": 0", "rejectQuorum", "from 1")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"rejectQuorum\": \"two\"", "rejectQuorum", "whole number")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"requireComment\": \"sometimes\"", "requireComment", "reject or always")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"onTimeout\": \"approve\"", "onTimeout", "needs a timeout")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"timeout\": \"PT1H\", \"onTimeout\": \"ignore\"", "onTimeout", "expire, approve or reject")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": \"PT30M\"", "escalate", "must be an object")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"to\": [\"slack:U9\"]}", "escalate/after", "needs 'after'")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"soon\", \"to\": [\"slack:U9\"]}", "escalate/after", "ISO-8601")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"timeout\": \"PT1H\", \"escalate\": {\"after\": \"PT2H\", \"to\": [\"slack:U9\"]}", "escalate/after", "at or after the timeout")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"PT30M\", \"to\": []}", "escalate/to", "non-empty list")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"PT30M\", \"to\": [\"slack:U9\", \"oncall\"]}", "escalate/to/1", "'oncall' is not an approver")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"PT30M\", \"to\": [\"slack:U9\"], \"notify\": \"#oncall\"}", "escalate/notify", "channel address")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"PT30M\", \"to\": [\"slack:U9\"], \"channel\": \"slack:C1\"}", "escalate/channel", "after, to and notify")]
    [InlineData("\"approvers\": [\"slack-group:U0ONCALL\"]", "approvers/0", "slack-group:<user group id>")]
    [InlineData("\"approvers\": [\"teams-channel:general\"]", "approvers/0", "teams-channel:<conversation id>")]
    [InlineData("\"approvers\": [\"email-list:finance\"]", "approvers/0", "ChatFlows:Approvals:EmailLists:finance")]
    public void Validate_BadPolicyValue_IsAProblemAtItsPath(string config, string path, string words)
    {
        var problem = Assert.Single(Validate(config));

        Assert.Equal($"nodes/ok/config/{path}", problem.Path);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 2, \"rejectQuorum\": 2, \"requireComment\": \"reject\", \"remind\": \"PT1H\"")]
    [InlineData("\"approvers\": [\"slack:U1\"], \"quorum\": \"3\", \"escalate\": {\"after\": \"PT30M\", \"to\": [\"slack-group:S0ONCALL\"], \"notify\": \"slack:C0ONCALL\"}")]
    [InlineData("\"approvers\": [\"slack-group:S0ONCALL\", \"teams-channel:19:abc@thread.tacv2\", \"email-list:release\"], \"quorum\": \"all\"")]
    [InlineData("\"approvers\": [\"anyone\"], \"quorum\": 5, \"timeout\": \"PT4H\", \"onTimeout\": \"reject\", \"requireComment\": \"never\"")]
    [InlineData("\"approvers\": [\"{{ trigger.owner }}\"], \"quorum\": 2")]
    public void Validate_GoodPolicy_ReportsNoProblems(string config)
    {
        Assert.Empty(Validate(config));
    }

    [Fact]
    public void ApprovalKind_Fields_DescribeEveryPolicyKey()
    {
        var kind = NodeRegistry.CreateDefault().Kinds.Single(k => k.Type == NodeTypes.Approval);

        Assert.Equal(
            ["prompt", "approvers", "timeout", "onTimeout", "quorum", "rejectQuorum", "requireComment", "remind", "escalate", "draft"],
            kind.Fields.Select(f => f.Name));
        Assert.Equal(["expire", "approve", "reject"], kind.Fields.Single(f => f.Name == "onTimeout").Options);
        Assert.Equal(NodeFieldTypes.Json, kind.Fields.Single(f => f.Name == "escalate").Type);
    }
}
