namespace ChatFlows.Core.Mcp;

/// <summary>One MCP server (<c>ChatFlows:Mcp:Servers:&lt;name&gt;</c>): a program (<see cref="Command"/>) or an HTTP endpoint (<see cref="Url"/>).</summary>
public sealed class McpServerOptions
{
    /// <summary>The program to start, speaking MCP on its standard input and output (e.g. <c>npx</c>, <c>dotnet</c>, a path).</summary>
    public string? Command { get; set; }

    /// <summary>The program's arguments, one per item.</summary>
    public List<string> Args { get; set; } = [];

    /// <summary>Environment variables set for the program, on top of the host's own.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The folder the program starts in; the host's own when empty.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The server's streamable HTTP endpoint, like <c>https://mcp.example.com/mcp</c> (plain http for loopback only).</summary>
    public string? Url { get; set; }

    /// <summary>An <c>http</c> connection whose headers (an <c>Authorization</c>, an API key) are sent with every request.</summary>
    public string? Connection { get; set; }

    /// <summary>How long connecting, listing tools or one tool call may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True for a program on stdio, false for an HTTP endpoint.</summary>
    public bool IsStdio => !string.IsNullOrWhiteSpace(Command);

    /// <summary>Where the server is, for messages: the command line or the URL.</summary>
    public string Describe() => IsStdio ? string.Join(' ', [Command!, .. Args]) : Url ?? "";
}
