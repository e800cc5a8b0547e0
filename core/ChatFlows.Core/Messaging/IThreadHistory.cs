namespace ChatFlows.Core.Messaging;

/// <summary>
/// A chat adapter that can read a thread's earlier messages (README §Agents and models, conversations in the thread).
/// Found through <see cref="ChatChannels.For{T}(string)"/>; a platform that cannot read history does not implement it.
/// </summary>
public interface IThreadHistory : IChatChannel
{
    /// <summary>
    /// The messages of thread <paramref name="thread"/> (an address as <see cref="Running.RunRequest.Thread"/> carries
    /// it), oldest first, at most <paramref name="limit"/> of the newest.
    /// </summary>
    Task<IReadOnlyList<ThreadMessage>> ReadThreadAsync(string thread, int limit, CancellationToken ct);
}
