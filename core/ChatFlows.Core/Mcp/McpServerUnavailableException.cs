namespace ChatFlows.Core.Mcp;

/// <summary>An MCP server could not be reached or did not answer; the message says which and what to check.</summary>
public sealed class McpServerUnavailableException(string server, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The server's configured name.</summary>
    public string Server { get; } = server;
}
