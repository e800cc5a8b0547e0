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

    [Theory]
    [InlineData("deploy &lt;team&gt; &amp; go", "deploy <team> & go")]
    [InlineData("&amp;lt;b&amp;gt; stays as typed", "&lt;b&gt; stays as typed")]
    [InlineData("ping <@U012ABC> in <#C0123ABCD|general> see <https://example.com/a?b=1&amp;c=2|docs>", "ping <@U012ABC> in <#C0123ABCD|general> see <https://example.com/a?b=1&c=2|docs>")]
    [InlineData("&quot;quoted&quot; &#39;x&#39; &nbsp;", "&quot;quoted&quot; &#39;x&#39; &nbsp;")]
    [InlineData("plain", "plain")]
    public void Unescape_TextAsSlackSendsIt_GivesWhatThePersonTypedOnce(string sent, string typed)
    {
        Assert.Equal(typed, SlackText.Unescape(sent));
    }

    [Theory]
    [InlineData("deploy <team> & go")]
    [InlineData("&amp; <> &lt;")]
    public void Unescape_OfEscape_IsTheTextItself(string typed)
    {
        Assert.Equal(typed, SlackText.Unescape(SlackText.Escape(typed)));
    }

    [Fact]
    public void Fit_TextWithinTheLimit_IsUnchanged()
    {
        var text = new string('x', SlackText.MaxMessageText);
        Assert.Same(text, SlackText.Fit(text, "rest"));
    }

    [Fact]
    public void Fit_LongLines_CutsAtALineEndUnder4000AndAddsThePointer()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 400).Select(i => $"line {i:D3} of the report"));

        var fitted = SlackText.Fit(lines, "_see the run page_");

        Assert.True(fitted.Length <= 4000, $"{fitted.Length} characters");
        Assert.EndsWith("\n…\n_see the run page_", fitted, StringComparison.Ordinal);
        Assert.Matches("line \\d{3} of the report\n…\n", fitted);
    }

    [Fact]
    public void Fit_CutInsideALinkOrACodeBlock_CutsBeforeTheLinkAndClosesTheBlock()
    {
        var link = new string('a', 3960) + " <https://example.com/" + new string('p', 200) + "|label> tail";
        var code = "```\n" + new string('c', 5000);

        var fittedLink = SlackText.Fit(link, "_rest_");
        var fittedCode = SlackText.Fit(code, "_rest_");

        Assert.DoesNotContain("<https", fittedLink, StringComparison.Ordinal);
        Assert.EndsWith("a …\n_rest_", fittedLink, StringComparison.Ordinal);
        Assert.EndsWith("…```\n_rest_", fittedCode, StringComparison.Ordinal);
        Assert.True(fittedCode.Length <= 4000);
    }
}
