using System.Text.Json;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Tests.Nodes;

public sealed class SecretRedactorTests
{
    private static readonly KeyValuePair<string, string>[] Used = [new("TOKEN", "s3cr3t-value")];

    [Fact]
    public void Redact_NestedStringsAndKeys_ReplacesEveryOccurrence()
    {
        var value = JsonElement.Parse("""{"auth": "Bearer s3cr3t-value", "list": ["x", "s3cr3t-values"], "s3cr3t-value": 1, "n": 2}""");

        var redacted = SecretRedactor.Redact(value, Used);

        Assert.Equal("""{"auth":"Bearer [secret TOKEN]","list":["x","[secret TOKEN]s"],"[secret TOKEN]":1,"n":2}""", redacted.GetRawText());
    }

    [Fact]
    public void Redact_NothingSecret_ReturnsTheSameValue()
    {
        var value = JsonElement.Parse("""{"a": "plain"}""");

        Assert.Equal(value.GetRawText(), SecretRedactor.Redact(value, Used).GetRawText());
        Assert.Equal("GET https://x/?key=[secret TOKEN] failed", SecretRedactor.Redact("GET https://x/?key=s3cr3t-value failed", Used));
    }
}
