using System.Text.Json;

namespace ChatFlows.Bot.Tests.Cards;

/// <summary>A rendered TextBlock's look: what a person sees of it.</summary>
internal sealed record TextBlockView(JsonElement Element)
{
    public string? Color => CardQuery.String(Element, "color");

    public bool IsSubtle => CardQuery.Flag(Element, "isSubtle");

    public bool Wraps => CardQuery.Flag(Element, "wrap");
}
