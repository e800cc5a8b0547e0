namespace ChatFlows.Bot.Chat;

/// <summary>The chat platforms this host serves, by platform prefix.</summary>
public sealed class ChatPresenters(IEnumerable<IChatPresenter> presenters)
{
    private readonly Dictionary<string, IChatPresenter> _byPlatform = presenters.ToDictionary(p => p.Platform, StringComparer.Ordinal);

    /// <summary>The presenter for an address such as <c>playground:general#12</c>, or null when no adapter serves its platform.</summary>
    public IChatPresenter? For(string address)
    {
        var colon = address.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && _byPlatform.TryGetValue(address[..colon], out var presenter) ? presenter : null;
    }
}
