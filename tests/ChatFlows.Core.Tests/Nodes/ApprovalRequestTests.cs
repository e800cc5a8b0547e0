using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Nodes;

/// <summary>The one approver rule: who may decide an approval, by identity or by e-mail address.</summary>
public class ApprovalRequestTests
{
    private static ApprovalRequest Asking(params string[] approvers) =>
        new() { Prompt = "Ship?", Approvers = approvers, RequestedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void Allows_EmailApproverAndTheAddressThePlatformGave_AllowsWithoutRegardToCase()
    {
        var request = Asking("email:ana@corp.example");

        Assert.True(request.Allows(new Decider("slack:U0ANA0001", "Ana@Corp.Example")));
        Assert.True(request.Allows(new Decider("teams:6f1c2a9e-1111-4c4c-9d9d-0123456789ab", " ana@corp.example ")));
        Assert.True(request.Allows(Decider.ByEmail("ANA@corp.example")));
    }

    [Fact]
    public void Allows_EmailApproverAndAnotherAddressOrNone_Refuses()
    {
        var request = Asking("email:ana@corp.example", "slack:U0BOSS001");

        Assert.False(request.Allows(new Decider("slack:U0OTHER01", "bob@corp.example")));
        Assert.False(request.Allows(new Decider("slack:U0OTHER01")));
        // An identity that only looks like an address is no address: it must be vouched for.
        Assert.False(request.Allows(new Decider("playground:ana@corp.example")));
        Assert.True(request.Allows(new Decider("slack:U0BOSS001", "boss@corp.example")));
    }

    [Fact]
    public void Allows_LocalUser_OnlyWhenListedOrAnyone()
    {
        Assert.True(Asking("local").Allows(new Decider("local")));
        Assert.True(Asking("anyone").Allows(new Decider("local")));
        Assert.False(Asking("slack:U0BOSS001").Allows(new Decider("local")));
    }

    [Theory]
    [InlineData("email:ana@corp.example")]
    [InlineData("email:first.last+ops@sub.corp.example")]
    [InlineData("local")]
    public void CheckApprover_EmailAndLocal_AreApprovers(string approver) => Assert.Null(ApprovalNode.CheckApprover(approver));

    [Theory]
    [InlineData("email:")]
    [InlineData("email:ana")]
    [InlineData("email:ana@corp")]
    [InlineData("email:ana@@corp.example")]
    [InlineData("email:ana smith@corp.example")]
    [InlineData("email:<ana@corp.example>")]
    [InlineData("email:ana@corp.example,bob@corp.example")]
    public void CheckApprover_MalformedEmail_SaysHowToWriteIt(string approver) =>
        Assert.Contains("email:<address> (like email:ana@corp.example)", ApprovalNode.CheckApprover(approver), StringComparison.Ordinal);
}
