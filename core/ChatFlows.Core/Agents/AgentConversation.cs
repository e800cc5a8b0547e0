using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Agents;

/// <summary>
/// An agent's conversation paused before a tool call a person must confirm (README §Agents and models, confirm before
/// a tool): the messages so far (the assistant's tool-call message included), the steps, the tokens spent, the rounds
/// used and the calls of the last round still to make, the first of which waits for the decision. The agent node
/// records it as a node effect, so the run continues on any instance after any restart.
/// </summary>
/// <remarks>
/// Bounded: the tool rounds are bounded by the node's <c>maxToolRounds</c>, and each tool result is kept to
/// <see cref="MaxResultLength"/> characters.
/// </remarks>
public sealed record AgentConversation
{
    /// <summary>Longest tool result kept in a paused conversation; longer ones are cut with a marker.</summary>
    public const int MaxResultLength = 32_768;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Every message sent to or received from the model, oldest first.</summary>
    public required IReadOnlyList<AgentMessage> Messages { get; init; }

    /// <summary>The calls the model asked for in its last answer that have not been made yet; the first waits.</summary>
    public required IReadOnlyList<AgentCall> Pending { get; init; }

    /// <summary>The steps so far: tool calls, and the trim of the context when there was one.</summary>
    public IReadOnlyList<NodeStep> Steps { get; init; } = [];

    /// <summary>Prompt tokens over the model calls so far; null when the server reported none.</summary>
    public long? PromptTokens { get; init; }

    /// <summary>Completion tokens over the model calls so far.</summary>
    public long? CompletionTokens { get; init; }

    /// <summary>Model answers that asked for tools so far; with <c>maxToolRounds</c> they bound the whole conversation.</summary>
    public int Rounds { get; init; }

    /// <summary>The conversation as JSON, for a node effect.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, Json);

    /// <summary>The conversation recorded by <see cref="ToJson"/>, or null when <paramref name="value"/> is not one.</summary>
    public static AgentConversation? From(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } json) return null;
        try
        {
            return json.Deserialize<AgentConversation>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One message of a paused conversation.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Text">The text; for a tool message its result.</param>
/// <param name="Calls">For an assistant message: the tools it asked for.</param>
/// <param name="CallId">For a tool message: the call it answers.</param>
/// <param name="Name">For a tool message: the function that was called.</param>
public sealed record AgentMessage(string Role, string? Text, IReadOnlyList<AgentCall>? Calls = null, string? CallId = null, string? Name = null);

/// <summary>A tool call as the model asked for it: its id, the function's name and the arguments as JSON text.</summary>
public sealed record AgentCall(string Id, string Name, string Arguments);

/// <summary>A person's answer to a paused call: approved or not, by whom, and why.</summary>
/// <param name="Approved">True to make the call.</param>
/// <param name="By">Who decided, e.g. <c>playground:ana</c>; null when nobody did before the request expired.</param>
/// <param name="Comment">What they said, if anything.</param>
public sealed record ToolDecision(bool Approved, string? By, string? Comment);

/// <summary>A tool call waiting for a person before it is made.</summary>
/// <param name="Entry">How the agent's <c>tools</c>/<c>confirm</c> lists name the tool, e.g. <c>send_email</c>.</param>
/// <param name="Call">The call as the model asked for it.</param>
/// <param name="Conversation">Everything needed to continue once a person decides.</param>
public sealed record AgentConfirmation(string Entry, AgentCall Call, AgentConversation Conversation);
