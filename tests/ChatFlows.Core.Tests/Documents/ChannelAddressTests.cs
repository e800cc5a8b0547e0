using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Documents;

public class ChannelAddressTests
{
    [Theory]
    [InlineData("slack:C0123ABCD", "slack", "C0123ABCD")]
    [InlineData("slack:G01", "slack", "G01")]
    [InlineData("teams:19:abc123@thread.tacv2", "teams", "19:abc123@thread.tacv2")]
    [InlineData("playground:ops-team", "playground", "ops-team")]
    public void TryParse_ValidAddress_SplitsPlatformAndId(string text, string platform, string id)
    {
        Assert.True(ChannelAddress.TryParse(text, out var address, out var error));

        Assert.Null(error);
        Assert.Equal(new ChannelAddress(platform, id), address);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData(null, "is not a channel address")]
    [InlineData("", "is not a channel address")]
    [InlineData("slack", "is not a channel address")]
    [InlineData("slack:", "is not a channel address")]
    [InlineData(":C0123", "is not a channel address")]
    [InlineData("discord:123", "'discord' is not a chat platform")]
    [InlineData("Slack:C0123", "'Slack' is not a chat platform")]
    [InlineData("slack:#general", "'#general' is not a Slack channel id")]
    [InlineData("slack:c0123", "'c0123' is not a Slack channel id")]
    [InlineData("teams:19 abc", "cannot contain spaces")]
    [InlineData("playground:Ops Team", "is not a Playground channel name")]
    public void TryParse_InvalidAddress_ExplainsWhy(string? text, string reason)
    {
        Assert.False(ChannelAddress.TryParse(text, out var address, out var error));

        Assert.Null(address);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
