using System.Text.RegularExpressions;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Protocol;

namespace ChatFlows.Core.Mcp;

/// <summary>
/// The tools of the configured MCP servers for agents (README §MCP servers): an agent's <c>tools</c> name one tool,
/// <c>mcp:&lt;server&gt;/&lt;tool&gt;</c>, or every tool of a server, <c>mcp:&lt;server&gt;/*</c>. The model calls a tool
/// as <c>&lt;server&gt;_&lt;tool&gt;</c>, with the tool's own input schema as its parameters.
/// </summary>
public sealed partial class McpToolSource(McpClients clients) : IAgentToolSource
{
    /// <summary>How every entry of this source starts.</summary>
    public const string Prefix = "mcp:";

    /// <summary>The tool part of an entry that stands for every tool of the server.</summary>
    public const string AllTools = "*";

    private const string EntryRule = "write mcp:<server>/<tool>, or mcp:<server>/* for every tool of the server";

    // A server that does not answer at once is left out of the list, or unchecked, rather than holding the agent form up.
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public bool Owns(string entry) => entry.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AgentToolInfo>> ListAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ListTimeout);
        var listed = await Task.WhenAll(clients.Servers.Select(async server =>
        {
            try
            {
                var tools = await clients.ToolsAsync(server, timeout.Token);
                return (IEnumerable<AgentToolInfo>)[
                    new AgentToolInfo(EntryOf(server, AllTools), $"Every tool of MCP server '{server}' ({Names(tools)})."),
                    .. tools.Select(t => new AgentToolInfo(EntryOf(server, t.Name), DescriptionOf(server, t)))];
            }
            catch (Exception ex) when (ex is McpServerUnavailableException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return [];
            }
        }));
        return listed.SelectMany(l => l).ToArray();
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ValidationProblem>> CheckAsync(AgentDefinition agent, CancellationToken ct)
    {
        var problems = new List<ValidationProblem>();
        var known = new Dictionary<string, IReadOnlyList<Tool>?>(StringComparer.Ordinal);
        var tools = agent.Tools ?? [];
        for (var i = 0; i < tools.Count; i++)
        {
            if (!Owns(tools[i])) continue;
            if (await ProblemOfAsync(tools[i], known, ct) is { } problem) problems.Add(new($"tools/{i}", problem));
        }
        var confirm = agent.Confirm ?? [];
        for (var i = 0; i < confirm.Count; i++)
        {
            if (!Owns(confirm[i])) continue;
            if (!TryParse(confirm[i], out var server, out var tool))
            {
                problems.Add(new($"confirm/{i}", $"'{confirm[i]}' is not an MCP tool; {EntryRule}."));
            }
            else if (tool == AllTools)
            {
                problems.Add(new($"confirm/{i}", $"confirm names MCP tools one by one, like {EntryOf(server, "create_issue")}; '{confirm[i]}' names none."));
            }
            else if (!tools.Contains(confirm[i], StringComparer.Ordinal) && !tools.Contains(EntryOf(server, AllTools), StringComparer.Ordinal))
            {
                problems.Add(new($"confirm/{i}", $"'{confirm[i]}' is not one of the agent's tools; list it, or {EntryOf(server, AllTools)}, under tools first."));
            }
            else if (await ProblemOfAsync(confirm[i], known, ct) is { } problem)
            {
                problems.Add(new($"confirm/{i}", problem));
            }
        }
        return problems;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AgentFunction>> FunctionsAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct)
    {
        var functions = new List<AgentFunction>();
        var byServer = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var entry in agent.Tools.Where(Owns).Distinct(StringComparer.Ordinal))
        {
            if (!TryParse(entry, out var server, out var tool)) throw new NodeException($"Agent '{agent.Id}' may use '{entry}', which is not an MCP tool; {EntryRule}.");
            if (clients.Find(server) is null)
            {
                throw new NodeException(
                    $"Agent '{agent.Id}' may use '{entry}', but this host has no MCP server '{server}'; add it under {McpOptions.SectionName}:Servers:{server}, or remove the entry from the agent.");
            }
            if (!byServer.TryGetValue(server, out var wanted)) byServer[server] = wanted = [];
            wanted.Add(tool);
        }
        foreach (var (server, wanted) in byServer)
        {
            IReadOnlyList<Tool> offered;
            try
            {
                offered = await clients.ToolsAsync(server, ct);
            }
            catch (McpServerUnavailableException ex)
            {
                throw new NodeException($"Agent '{agent.Id}' cannot get its tools: {ex.Message}", ex);
            }
            foreach (var name in wanted.Where(t => t != AllTools && offered.All(o => o.Name != t)))
            {
                throw new NodeException(
                    $"MCP server '{server}' has no tool '{name}' (its tools: {Names(offered)}); remove {EntryOf(server, name)} from agent '{agent.Id}' or pick another.");
            }
            foreach (var tool in offered.Where(t => wanted.Contains(AllTools) || wanted.Contains(t.Name)))
            {
                var function = new McpToolFunction(clients, server, tool, FunctionName(server, tool.Name));
                functions.Add(new AgentFunction(EntryOf(server, tool.Name), function.AsKernelFunction()));
            }
        }
        return functions;
    }

    /// <summary>The name the model calls tool <paramref name="tool"/> of <paramref name="server"/> by: <c>&lt;server&gt;_&lt;tool&gt;</c>, other characters as '_', at most 64.</summary>
    public static string FunctionName(string server, string tool)
    {
        var name = NotInName().Replace($"{server}_{tool}", "_");
        return name.Length <= 64 ? name : name[..64];
    }

    /// <summary>The entry naming tool <paramref name="tool"/> (or <see cref="AllTools"/>) of <paramref name="server"/>.</summary>
    public static string EntryOf(string server, string tool) => $"{Prefix}{server}/{tool}";

    /// <summary>Splits <c>mcp:&lt;server&gt;/&lt;tool&gt;</c>; false when <paramref name="entry"/> is not of that form.</summary>
    public static bool TryParse(string entry, out string server, out string tool)
    {
        var match = EntryPattern().Match(entry);
        server = match.Success ? match.Groups["server"].Value : "";
        tool = match.Success ? match.Groups["tool"].Value : "";
        return match.Success && McpOptions.IsValidName(server);
    }

    private async ValueTask<string?> ProblemOfAsync(string entry, Dictionary<string, IReadOnlyList<Tool>?> known, CancellationToken ct)
    {
        if (!TryParse(entry, out var server, out var tool)) return $"'{entry}' is not an MCP tool; {EntryRule}.";
        if (clients.Find(server) is null)
        {
            return clients.Servers.Count == 0
                ? $"There is no MCP server '{server}', and none is configured; add it under {McpOptions.SectionName}:Servers:{server}."
                : $"There is no MCP server '{server}'; the servers are {string.Join(", ", clients.Servers)}.";
        }
        if (tool == AllTools) return null;
        if (!known.TryGetValue(server, out var offered))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ListTimeout);
            try
            {
                offered = await clients.ToolsAsync(server, timeout.Token);
            }
            catch (Exception ex) when (ex is McpServerUnavailableException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // A server that is down now may be up when the agent runs; its tools are checked then.
                offered = null;
            }
            known[server] = offered;
        }
        return offered is not null && offered.All(t => t.Name != tool)
            ? $"MCP server '{server}' has no tool '{tool}'; its tools are {Names(offered)}."
            : null;
    }

    private static string Names(IReadOnlyList<Tool> tools) => tools.Count == 0 ? "none" : string.Join(", ", tools.Select(t => t.Name).Order(StringComparer.Ordinal));

    private static string DescriptionOf(string server, Tool tool) =>
        $"{tool.Description ?? tool.Title ?? tool.Name} (MCP server '{server}')";

    [GeneratedRegex("^mcp:(?<server>[^/]+)/(?<tool>\\*|[A-Za-z0-9_.-]{1,128})\\z")]
    private static partial Regex EntryPattern();

    [GeneratedRegex("[^a-zA-Z0-9_-]")]
    private static partial Regex NotInName();
}
