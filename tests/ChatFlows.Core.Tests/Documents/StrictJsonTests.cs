using System.Text;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Documents;

public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a": 1, "a": 2}""", "the top level has the property 'a' more than once")]
    [InlineData("""{"args": [{"k": 1, "k": 1}]}""", "'args/0' has the property 'k' more than once")]
    [InlineData("""{"a": "\ud800"}""", "the string at 'a' holds an unpaired UTF-16 surrogate")]
    [InlineData("""{"a": "\udc00\ud800"}""", "the string at 'a' holds an unpaired UTF-16 surrogate")]
    [InlineData("""{"\ud800": 1}""", "a property name in the top level holds an unpaired UTF-16 surrogate")]
    [InlineData("""{"n": 1e400}""", "the number 1e400 at 'n' is out of range")]
    [InlineData("""{"n": -1e400}""", "the number -1e400 at 'n' is out of range")]
    [InlineData("""{"n": [1e-400]}""", "the number 1e-400 at 'n/0' is too small to represent")]
    public void TryParse_RefusedValue_NamesProblemAndPlace(string json, string expected)
    {
        Assert.False(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));

        Assert.StartsWith("not accepted: " + expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.000e12")]
    [InlineData("1e308")]
    [InlineData("5e-324")]
    [InlineData("12345678901234567890123")]
    [InlineData("""{"a": "😀 \ud83d\ude00", "b": [true, null]}""")]
    public void TryParse_OrdinaryValue_Accepted(string json) =>
        Assert.True(StrictJson.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error), error);

    [Fact]
    public void TryParse_InvalidUtf8_NamesByteAndPlace()
    {
        byte[] body = [.. "{\n  \"a\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(StrictJson.TryParse(body, out _, out var error));

        Assert.StartsWith("not valid UTF-8: byte 0xC3 at line 2, column 9", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NestingAtTheLimit_AcceptedAndOneDeeperRefused()
    {
        var limit = new string('[', StrictJson.MaxDepth) + new string(']', StrictJson.MaxDepth);
        var deeper = "[" + limit + "]";

        Assert.True(StrictJson.TryParse(Encoding.UTF8.GetBytes(limit), out _, out var error), error);
        Assert.False(StrictJson.TryParse(Encoding.UTF8.GetBytes(deeper), out _, out error));
        Assert.Contains("depth of 64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TextWithRawUnpairedSurrogate_Refused()
    {
        Assert.False(StrictJson.TryParse("{\"a\": \"x\ud800\"}", out _, out var error));

        Assert.Equal("not Unicode text: character 9 is an unpaired UTF-16 surrogate.", error);
    }
}
