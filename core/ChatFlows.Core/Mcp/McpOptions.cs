using System.Text.RegularExpressions;

namespace ChatFlows.Core.Mcp;

/// <summary>
/// The MCP servers whose tools agents may use (<c>ChatFlows:Mcp:Servers:&lt;name&gt;</c>, README §MCP servers): each is
/// either a program started with its standard input and output as the channel (stdio) or a streamable HTTP endpoint.
/// </summary>
public sealed partial class McpOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string SectionName = "ChatFlows:Mcp";

    /// <summary>The rule a server's name follows, for messages.</summary>
    public const string NameRule = "use lower-case letters, digits and dashes, starting with a letter or digit, like github";

    /// <summary>The servers by name; the name is what agents write in <c>mcp:&lt;server&gt;/&lt;tool&gt;</c>.</summary>
    public Dictionary<string, McpServerOptions> Servers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="name"/> may name a server.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Every problem with the configured servers, each naming its key; empty when all are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, server) in Servers.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var key = $"{SectionName}:Servers:{name}";
            if (!IsValidName(name))
            {
                problems.Add($"{key} is not a server name; {NameRule}.");
                continue;
            }
            var stdio = !string.IsNullOrWhiteSpace(server.Command);
            var http = !string.IsNullOrWhiteSpace(server.Url);
            if (stdio == http)
            {
                problems.Add(stdio
                    ? $"{key} has both Command and Url; a server is either a program (Command, Args) or an HTTP endpoint (Url), not both."
                    : $"{key} needs Command (a program speaking MCP on stdio, with Args) or Url (a streamable HTTP endpoint).");
                continue;
            }
            if (http)
            {
                if (!Uri.TryCreate(server.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    problems.Add($"{key}:Url must be an absolute http(s) URL, like https://mcp.example.com/mcp; '{server.Url}' is not.");
                }
                else if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                {
                    problems.Add($"{key}:Url uses plain http to {uri.Host}; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).");
                }
                if (server.Connection is { } connection && !Connections.ConnectionRegistry.IsValidName(connection))
                {
                    problems.Add($"{key}:Connection '{connection}' is not a connection name; {Connections.ConnectionRegistry.NameRule}.");
                }
                if (server.Args.Count > 0 || server.Environment.Count > 0 || !string.IsNullOrWhiteSpace(server.WorkingDirectory))
                {
                    problems.Add($"{key} has Args, Environment or WorkingDirectory, which only a program (Command) takes; remove them or use Command instead of Url.");
                }
            }
            else
            {
                if (server.Connection is not null)
                {
                    problems.Add($"{key}:Connection only applies to an HTTP server (Url); give a program its credentials through Environment.");
                }
                if (!string.IsNullOrWhiteSpace(server.WorkingDirectory) && !Directory.Exists(server.WorkingDirectory))
                {
                    problems.Add($"{key}:WorkingDirectory '{server.WorkingDirectory}' does not exist.");
                }
            }
            if (server.Timeout <= TimeSpan.Zero || server.Timeout > TimeSpan.FromHours(1))
            {
                problems.Add($"{key}:Timeout must be more than zero and at most an hour, like 00:00:30.");
            }
        }
        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}\\z")]
    private static partial Regex NamePattern();
}
