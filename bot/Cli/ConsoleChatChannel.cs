using ChatFlows.Core.Messaging;

namespace ChatFlows.Bot.Cli;

/// <summary>Prints the messages a run posts, whatever their address, so a workflow can be tried without a chat.</summary>
internal sealed class ConsoleChatChannel(TextWriter output) : IChatChannel
{
    private int _posted;

    public string Platform => "console";

    public Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        lock (output)
        {
            output.WriteLine($"  💬 {message.Target} ← {message.NodeId}");
            foreach (var line in (message.Text ?? "").Split('\n')) output.WriteLine($"     │ {line}");
            if (message.Card is { } card) output.WriteLine($"     │ [card] {card.GetRawText()}");
        }
        return Task.FromResult(new PostedMessage(message.Target, $"console-{Interlocked.Increment(ref _posted)}"));
    }
}
