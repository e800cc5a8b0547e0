using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// The tools agents may be allowed to call, by name. Ships <c>current_time</c>; the host adds the ones that reach
/// outside (e.g. <c>http_get</c>) with <see cref="Add(string, string, KernelFunction)"/>.
/// </summary>
public sealed partial class AgentToolCatalog
{
    /// <summary>The tool that tells the current date and time.</summary>
    public const string CurrentTime = "current_time";

    private readonly Dictionary<string, AgentTool> _tools = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>A catalog with the built-in tools, which read the time from <paramref name="time"/>.</summary>
    public AgentToolCatalog(TimeProvider time)
    {
        _time = time;
        Add(CurrentTime, "Tells the current date and time, in UTC or in a given IANA time zone.", CreateCurrentTime);
    }

    /// <summary>Every tool, by name. Tools are added at start-up, before agents run.</summary>
    public IReadOnlyList<AgentTool> Tools => _tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();

    /// <summary>True when a tool of this name exists.</summary>
    public bool Contains(string name) => _tools.ContainsKey(name);

    /// <summary>The tool of this name, or null.</summary>
    public AgentTool? Find(string name) => _tools.GetValueOrDefault(name);

    /// <summary>
    /// Adds or replaces a tool. <paramref name="function"/> must carry the same name and no plugin name (as
    /// <c>KernelFunctionFactory.CreateFromMethod(method, functionName: name, description: …)</c> makes it), because
    /// the model calls it by that name; its description and parameters are what the model sees.
    /// </summary>
    public AgentToolCatalog Add(string name, string description, KernelFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        CheckName(name);
        CheckFunction(name, function);
        _tools[name] = new AgentTool(name, description, function);
        return this;
    }

    /// <summary>
    /// Adds or replaces a built-in tool whose function is made the first time an agent needs it: making functions
    /// reflects over their parameters and loads Semantic Kernel, which a host that runs no agents never pays for
    /// (bench/README.md §Memory).
    /// </summary>
    internal AgentToolCatalog Add(string name, string description, Func<KernelFunction> create)
    {
        CheckName(name);
        _tools[name] = new AgentTool(name, description, () => CheckFunction(name, create()));
        return this;
    }

    private static void CheckName(string name)
    {
        if (!ToolName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a tool name; use lower-case letters, digits and underscores, like http_get.", nameof(name));
        }
    }

    private static KernelFunction CheckFunction(string name, KernelFunction function)
    {
        if (function.Name != name || !string.IsNullOrEmpty(function.PluginName))
        {
            throw new ArgumentException($"The function for tool '{name}' is named '{function.PluginName}{(string.IsNullOrEmpty(function.PluginName) ? "" : "-")}{function.Name}'; create it with functionName: \"{name}\" and no plugin.", nameof(function));
        }
        return function;
    }

    private KernelFunction CreateCurrentTime() => KernelFunctionFactory.CreateFromMethod(
        ([Description("An IANA time zone such as Europe/Berlin or America/New_York; UTC when left out.")] string? timeZone = null) =>
        {
            var zone = TimeZoneInfo.Utc;
            if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out zone))
            {
                throw new ArgumentException($"'{timeZone}' is not a known IANA time zone; use one like Europe/Berlin, or leave it out for UTC.");
            }
            var local = TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone);
            return new
            {
                time = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                timeZone = zone == TimeZoneInfo.Utc ? "UTC" : zone.Id,
                dayOfWeek = local.DayOfWeek.ToString(),
            };
        },
        functionName: CurrentTime,
        description: "Returns the current date and time as ISO-8601 local time with its UTC offset, in UTC or in the given IANA time zone.");

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}\\z")]
    private static partial Regex ToolName();
}
