namespace ChatFlows.Bot.Cards;

/// <summary>A line or paragraph of text; hosts render a small subset of Markdown in it.</summary>
public sealed class TextBlock : CardElement
{
    public required string Text { get; init; }

    /// <summary>True to wrap long text instead of cutting it off at the card's edge.</summary>
    public bool? Wrap { get; init; }

    /// <summary>With <see cref="Wrap"/>, the most lines shown before the rest is cut off.</summary>
    public int? MaxLines { get; init; }

    public TextWeight? Weight { get; init; }

    public TextSize? Size { get; init; }

    public TextColor? Color { get; init; }

    /// <summary>True to draw the text dimmer, for secondary details.</summary>
    public bool? IsSubtle { get; init; }

    public FontType? FontType { get; init; }
}
