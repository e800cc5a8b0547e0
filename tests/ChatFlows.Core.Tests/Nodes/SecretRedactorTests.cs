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

    [Fact]
    public void Redact_SecretShorterThanTheMinimum_LeavesTextAndPropertyNamesWhole()
    {
        // An approval request as a waiting node records it; a one-letter secret once broke its property names.
        var request = JsonElement.Parse("""{"prompt": "Ship api?", "approvers": ["anyone"], "requestedAt": "2026-12-05T09:00:00+00:00"}""");
        KeyValuePair<string, string>[] shortOnes = [new("ONE", "a"), new("THREE", "pro")];

        Assert.Equal(request.GetRawText(), SecretRedactor.Redact(request, shortOnes).GetRawText());
        Assert.Equal("approve the prompt", SecretRedactor.Redact("approve the prompt", shortOnes));
    }
}
