using ChatFlows.Bot.Slack;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackAddressTests
{
    [Theory]
    [InlineData("slack:C0123ABCD", "C0123ABCD", null)]
    [InlineData("slack:C0123ABCD#1700000000.000100", "C0123ABCD", "1700000000.000100")]
    [InlineData("slack:U012ABC", "U012ABC", null)]
    public void TryParse_SlackAddress_GivesChannelAndThread(string text, string channel, string? threadTs)
    {
        Assert.True(SlackAddress.TryParse(text, out var address, out var error));

        Assert.Null(error);
        Assert.Equal(new SlackAddress(channel, threadTs), address);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("playground:general", "not a Slack address")]
    [InlineData("slack:#general", "not a Slack channel id")]
    [InlineData("slack:C0123ABCD#12", "not a Slack message ts")]
    [InlineData("slack:C0123ABCD#", "not a Slack message ts")]
    [InlineData("slack:", "is not a channel address")]
    [InlineData(null, "is not a channel address")]
    public void TryParse_OtherText_SaysWhy(string? text, string reason)
    {
        Assert.False(SlackAddress.TryParse(text, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void InThread_Channel_AddsTheParentTs()
    {
        Assert.Equal("slack:C0123ABCD#1700000000.000200", new SlackAddress("C0123ABCD").InThread("1700000000.000200").ToString());
    }
}
