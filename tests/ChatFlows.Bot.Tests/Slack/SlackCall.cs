using System.Text.Json;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>One request <see cref="FakeSlackApi"/> received, in the order received.</summary>
/// <param name="Index">Its position among all requests, from 0.</param>
/// <param name="Method">The Web API method (<c>chat.postMessage</c>), or <c>response_url</c> for a post to a response URL.</param>
/// <param name="Body">The JSON body as sent.</param>
/// <param name="Authorization">The Authorization header, if any.</param>
/// <param name="ContentType">The Content-Type header.</param>
/// <param name="Status">The HTTP status the fake answered with.</param>
/// <param name="Path">The request path, e.g. <c>/api/chat.update</c> or <c>/response/cmd-1</c>.</param>
internal sealed record SlackCall(int Index, string Method, JsonElement Body, string? Authorization, string? ContentType, int Status, string Path)
{
    public string? Channel => Text("channel");

    public string? Ts => Text("ts");

    public string? ThreadTs => Text("thread_ts");

    /// <summary>The top-level <c>text</c>.</summary>
    public string? Text() => Text("text");

    /// <summary>A string property of the body, or null.</summary>
    public string? Text(string property) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The <c>blocks</c> array; empty when there is none.</summary>
    public IReadOnlyList<JsonElement> Blocks =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array ? [.. blocks.EnumerateArray()] : [];

    /// <summary>True when the fake accepted it (2xx).</summary>
    public bool Succeeded => Status is >= 200 and < 300;
}
