namespace ChatFlows.Bot.Cards;

/// <summary>A text field (<c>Input.Text</c>); its value is sent back under <see cref="CardElement.Id"/> when an action is clicked.</summary>
public sealed class TextInput : CardElement
{
    /// <summary>Shown above the field, and read out by screen readers.</summary>
    public string? Label { get; init; }

    /// <summary>Shown greyed in the field while it is empty.</summary>
    public string? Placeholder { get; init; }

    public bool? IsMultiline { get; init; }

    /// <summary>The field's initial text.</summary>
    public string? Value { get; init; }

    public int? MaxLength { get; init; }
}
