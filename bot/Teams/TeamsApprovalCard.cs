using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The approval card as Teams shows it: the shared <see cref="ApprovalCard"/>, plus, while it waits, a <c>refresh</c>
/// (Universal Actions' user-specific views), so that a refresh shows approvers the buttons and everyone else the
/// status; and the same card with a line for the one person whose click was refused.
/// </summary>
public static class TeamsApprovalCard
{
    /// <summary>The verb of the card's refresh action.</summary>
    public const string RefreshVerb = "refresh";

    /// <summary>
    /// The card as posted to the conversation: buttons for everyone while it waits (a click is checked on the server),
    /// refreshed automatically for <paramref name="refreshFor"/> (Teams ids, <c>29:…</c>), or for everyone in a
    /// conversation of up to 60 members when null (see <see cref="TeamsDeciders.RefreshUserIdsAsync"/>).
    /// </summary>
    public static AdaptiveCard Render(ApprovalView view, IReadOnlyList<string>? refreshFor = null) => WithRefresh(ApprovalCard.Render(view), view, refreshFor);

    /// <summary>
    /// The card for one person: with Approve / Reject when they may decide, else the status and who may. A
    /// <paramref name="note"/> (why a click was refused) is shown to them above the facts.
    /// </summary>
    public static AdaptiveCard RenderFor(ApprovalView view, bool mayDecide, string? note = null, IReadOnlyList<string>? refreshFor = null)
    {
        var card = ApprovalCard.Render(view);
        var body = card.Body.ToList();
        var actions = card.Actions.ToList();
        if (view.IsOpen && !mayDecide)
        {
            body.RemoveAll(e => e is TextInput);
            actions.Clear();
            body.Add(new TextBlock { Text = $"Waiting for a decision by {ApprovalText.Join(ApprovalText.StillNeeded(view), a => a)}.", Wrap = true, IsSubtle = true, Separator = true });
        }
        if (note is not null) body.Insert(1, new TextBlock { Text = note, Wrap = true, Color = TextColor.Attention, Weight = TextWeight.Bolder });
        return WithRefresh(new AdaptiveCard { Body = body, Actions = actions, FallbackText = card.FallbackText }, view, refreshFor);
    }

    private static AdaptiveCard WithRefresh(AdaptiveCard card, ApprovalView view, IReadOnlyList<string>? refreshFor)
    {
        if (!view.IsOpen) return card;
        var data = JsonSerializer.SerializeToElement(new { runId = view.RunId, nodeId = view.NodeId });
        return new AdaptiveCard
        {
            Body = card.Body,
            Actions = card.Actions,
            FallbackText = card.FallbackText,
            Refresh = new CardRefresh
            {
                Action = new ExecuteAction { Title = "Refresh", Verb = RefreshVerb, Data = data },
                UserIds = refreshFor is { Count: > 0 } ids ? ids.Take(CardRefresh.MaxUserIds).ToArray() : null,
            },
        };
    }
}
