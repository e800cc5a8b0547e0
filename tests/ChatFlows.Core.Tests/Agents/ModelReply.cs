using System.Text.Json;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>What the fake model server answers: a status and a JSON body in OpenAI's chat completions format, or no answer at all.</summary>
internal sealed record ModelReply(int Status, string Body, bool Hang = false)
{
    /// <summary>The server never answers (until the client gives up).</summary>
    public static ModelReply Never { get; } = new(0, "", Hang: true);

    /// <summary>An assistant message asking for tool calls, <c>finish_reason: "tool_calls"</c>.</summary>
    public static ModelReply ToolCalls(int promptTokens, int completionTokens, params (string Id, string Name, string Arguments)[] calls) =>
        Completion(
            new
            {
                role = "assistant",
                content = (string?)null,
                tool_calls = calls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray(),
            },
            "tool_calls", promptTokens, completionTokens);

    /// <summary>A final assistant answer, <c>finish_reason: "stop"</c>.</summary>
    public static ModelReply Answer(string text, int promptTokens, int completionTokens) =>
        Completion(new { role = "assistant", content = text }, "stop", promptTokens, completionTokens);

    /// <summary>An error in OpenAI's shape: <c>{"error": {"message", "type", "code"}}</c>.</summary>
    public static ModelReply Error(int status, string message, string type = "invalid_request_error") =>
        new(status, JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code = (string?)null } }));

    private static ModelReply Completion(object message, string finishReason, int promptTokens, int completionTokens) =>
        new(200, JsonSerializer.Serialize(new
        {
            id = $"chatcmpl-{Guid.NewGuid():N}",
            @object = "chat.completion",
            created = 1_764_000_000,
            model = "fake-model",
            system_fingerprint = "fp_fake",
            choices = new[] { new { index = 0, message, logprobs = (object?)null, finish_reason = finishReason } },
            usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
        }));
}
