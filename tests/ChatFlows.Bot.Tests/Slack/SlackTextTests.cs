using ChatFlows.Bot.Slack;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackTextTests
{
    [Fact]
    public void Escape_ControlCharacters_BecomeEntitiesAndNothingElseChanges()
    {
        Assert.Equal("a &amp; b &lt;c&gt; \"d\" 'e' *f*", SlackText.Escape("a & b <c> \"d\" 'e' *f*"));
    }

    [Theory]
    [InlineData("slack:U012ABC", "<@U012ABC>")]
    [InlineData("slack:W0ENTERPRISE", "<@W0ENTERPRISE>")]
    [InlineData("playground:ada", "playground:ada")]
    [InlineData("schedule", "schedule")]
    [InlineData("slack:<!channel>", "slack:&lt;!channel&gt;")]
    public void Who_SlackUserBecomesMentionOthersStayAsWritten(string who, string shown)
    {
        Assert.Equal(shown, SlackText.Who(who));
    }

    [Theory]
    [InlineData("*bold* _italic_ `code`\n- item", "*bold* _italic_ `code`\n- item")]
    [InlineData("**bold**", "*bold*")]
    [InlineData("see [the docs](https://example.com/a?b=1&c=2)", "see <https://example.com/a?b=1&c=2|the docs>")]
    [InlineData("<@U012> and <#C0123ABCD> <!here>", "<@U012> and <#C0123ABCD> <!here>")]
    [InlineData("<https://example.com|site>", "<https://example.com|site>")]
    [InlineData("1 < 2 & 3 > 2", "1 &lt; 2 &amp; 3 &gt; 2")]
    [InlineData("<script>", "&lt;script&gt;")]
    [InlineData("[x](javascript:alert(1))", "[x](javascript:alert(1))")]
    public void Mrkdwn_WorkflowText_KeepsSlackMarkupAndEscapesTheRest(string markdown, string mrkdwn)
    {
        Assert.Equal(mrkdwn, SlackText.Mrkdwn(markdown));
    }

    [Fact]
    public void Truncate_ShortText_IsUnchanged()
    {
        Assert.Equal("short", SlackText.Truncate("short", 10));
    }

    [Fact]
    public void Truncate_LongText_EndsInEllipsisWithinTheLimit()
    {
        var cut = SlackText.Truncate(new string('x', 50), 10);

        Assert.Equal(10, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncate_InsideAnEntity_CutsBeforeIt()
    {
        var cut = SlackText.Truncate("abcdefg &amp; more", 11);

        Assert.Equal("abcdefg …", cut);
    }

    [Fact]
    public void Truncate_InsideASurrogatePair_KeepsThePairWhole()
    {
        var cut = SlackText.Truncate("abcdefg😀 tail", 9);

        Assert.Equal("abcdefg…", cut);
    }
}
