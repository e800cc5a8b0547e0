namespace ChatFlows.Core.Expressions;

/// <summary>A template or expression that failed to parse or to evaluate; the message names where.</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
