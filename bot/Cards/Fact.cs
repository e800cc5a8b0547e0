namespace ChatFlows.Bot.Cards;

/// <summary>One title and value row of a <see cref="FactSet"/>.</summary>
public sealed record Fact(string Title, string Value);
