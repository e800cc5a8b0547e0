using System.Text;
using ChatFlows.Bot.Slack;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackSignatureTests
{
    // The example of Slack's "Verifying requests from Slack" page: its secret, timestamp, body and signature.
    private const string PublishedSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string PublishedTimestamp = "1531420618";
    private const string PublishedBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string PublishedSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset PublishedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Compute_SlacksPublishedExample_GivesItsSignature()
    {
        Assert.Equal(PublishedSignature, SlackSignature.Compute(PublishedSecret, PublishedTimestamp, Encoding.UTF8.GetBytes(PublishedBody)));
    }

    [Fact]
    public void Check_SlacksPublishedExampleWithinFiveMinutes_Passes()
    {
        Assert.Null(SlackSignature.Check(PublishedSecret, PublishedTimestamp, PublishedSignature, Encoding.UTF8.GetBytes(PublishedBody), PublishedAt.AddMinutes(4)));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(-6)]
    public void Check_TimestampMoreThanFiveMinutesOff_IsRefusedAsAPossibleReplay(int minutes)
    {
        var problem = SlackSignature.Check(PublishedSecret, PublishedTimestamp, PublishedSignature, Encoding.UTF8.GetBytes(PublishedBody), PublishedAt.AddMinutes(minutes));

        Assert.Equal("X-Slack-Request-Timestamp is more than 5 minutes from now; the request may be a replay.", problem);
    }

    [Fact]
    public void Check_BodyChangedAfterSigning_IsRefused()
    {
        var forged = PublishedBody.Replace("user_id=U2CERLKJA", "user_id=U0ADMIN01", StringComparison.Ordinal);

        Assert.Equal("X-Slack-Signature does not match the body.", SlackSignature.Check(PublishedSecret, PublishedTimestamp, PublishedSignature, Encoding.UTF8.GetBytes(forged), PublishedAt));
    }

    [Theory]
    [InlineData(null, PublishedSignature, "X-Slack-Request-Timestamp and X-Slack-Signature are required.")]
    [InlineData(PublishedTimestamp, null, "X-Slack-Request-Timestamp and X-Slack-Signature are required.")]
    [InlineData("yesterday", PublishedSignature, "X-Slack-Request-Timestamp is not a number of seconds.")]
    [InlineData(PublishedTimestamp, "v0=00", "X-Slack-Signature does not match the body.")]
    public void Check_MissingOrMalformedHeaders_SayWhich(string? timestamp, string? signature, string expected)
    {
        Assert.Equal(expected, SlackSignature.Check(PublishedSecret, timestamp, signature, Encoding.UTF8.GetBytes(PublishedBody), PublishedAt));
    }
}
