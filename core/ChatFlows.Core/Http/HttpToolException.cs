namespace ChatFlows.Core.Http;

/// <summary>
/// A request of the HTTP tool that could not be completed (refused, timed out, too large, too many redirects); the
/// message is a sentence meant for the person reading the run. Answers with an error status are not exceptions:
/// they come back as <see cref="HttpToolResponse"/>s.
/// </summary>
public class HttpToolException(string message, Exception? inner = null) : Exception(message, inner);
