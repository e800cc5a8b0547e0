using ChatFlows.Bot.Hosting;
using ChatFlows.Core.Connections;

namespace ChatFlows.Bot.Connections;

/// <summary>
/// Reads <c>ChatFlows:Connections:NAME</c> (README §Connections): <c>Type</c>, <c>Workflows</c> (a list, or one
/// string of comma-separated ids or <c>*</c>) and the type's settings. A connection configured wrongly stops the
/// host at start-up with a message naming the key, rather than failing every run that uses it.
/// </summary>
public static class ConfiguredConnections
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChatFlows:Connections";

    /// <summary>The connections under <see cref="Section"/> of <paramref name="configuration"/>.</summary>
    /// <exception cref="BadSettingException">A connection has a bad name, type, workflow list or setting.</exception>
    public static IReadOnlyList<Connection> Read(IConfiguration configuration)
    {
        var connections = new List<Connection>();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{child.Key}";
            if (!ConnectionRegistry.IsValidName(child.Key)) throw new BadSettingException($"{key}: '{child.Key}' is not a connection name; {ConnectionRegistry.NameRule}.");
            var type = child["Type"];
            if (!ConnectionTypes.IsKnown(type))
            {
                throw new BadSettingException($"{key}:Type must be one of {string.Join(", ", ConnectionTypes.All)}{(string.IsNullOrEmpty(type) ? "" : $", not '{type}'")}.");
            }
            var workflowsSection = child.GetSection("Workflows");
            var workflows = (workflowsSection.Value is { Length: > 0 } list ? list.Split(',') : workflowsSection.GetChildren().Select(w => w.Value ?? ""))
                .Select(w => w.Trim()).Where(w => w.Length > 0).ToArray();
            var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var setting in child.AsEnumerable(makePathsRelative: true))
            {
                if (setting.Value is null || setting.Key.Equals("Type", StringComparison.OrdinalIgnoreCase)) continue;
                if (setting.Key.Equals("Workflows", StringComparison.OrdinalIgnoreCase) || setting.Key.StartsWith("Workflows:", StringComparison.OrdinalIgnoreCase)) continue;
                // An empty group ("Headers": {} in a settings file) reads as the group's own key with an empty value.
                if (setting.Value.Length == 0 && ConnectionTypes.IsGroupKey(type!, setting.Key)) continue;
                if (!ConnectionTypes.IsSetting(type!, setting.Key))
                {
                    throw new BadSettingException(
                        $"{key}:{setting.Key} is not a setting of a {type} connection; its settings are {string.Join(", ", ConnectionTypes.Settings[type!])}.");
                }
                if (ConnectionTypes.ValueProblem(type!, setting.Key, setting.Value) is { } problem) throw new BadSettingException($"{key}:{setting.Key}: {problem}");
                settings[setting.Key] = setting.Value;
            }
            connections.Add(new Connection(child.Key, type!, workflows, settings, ConnectionRegistry.ConfiguredSource));
        }
        return connections;
    }
}
