using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// Who may run a <c>trigger/command</c>: its <c>allow: { users: [...], channels: [...] }</c>. A person may run it
/// when named in <c>users</c> or typing in one of <c>channels</c>; a trigger without <c>allow</c> is open to everyone.
/// </summary>
/// <param name="Users">Chat identities, like <c>slack:U012AB3CD</c>, <c>teams:…</c> or <c>playground:ada</c>.</param>
/// <param name="Channels">Channel addresses, like <c>slack:C0123ABCD</c> or <c>playground:ops</c>.</param>
public sealed record CommandAllow(IReadOnlyList<string> Users, IReadOnlyList<string> Channels)
{
    /// <summary>The config field.</summary>
    public const string Field = "allow";

    /// <summary>The allow list of a command trigger, or null when it is open to everyone.</summary>
    public static CommandAllow? Of(WorkflowNode trigger)
    {
        if (trigger.Config[Field] is not JsonObject allow) return null;
        return new CommandAllow(Strings(allow["users"]), Strings(allow["channels"]));
    }

    /// <summary>True when <paramref name="user"/>, typing in <paramref name="channel"/>, may run the command.</summary>
    public bool Allows(string user, string channel) =>
        Users.Contains(user, StringComparer.Ordinal) || Channels.Contains(channel, StringComparer.Ordinal);

    /// <summary>Who may run it, for a chat answer: "playground:ada, or anyone in playground:ops".</summary>
    public string Describe()
    {
        var parts = new List<string>(Users);
        if (Channels.Count > 0) parts.Add($"anyone in {string.Join(" or ", Channels)}");
        return parts.Count == 0 ? "nobody" : string.Join(", ", parts);
    }

    internal static void Check(NodeSetup setup)
    {
        if (!setup.Node.Config.TryGetPropertyValue(Field, out var value) || value is null) return;
        if (value is not JsonObject allow)
        {
            setup.Problem(Field, "allow must be an object: { \"users\": [\"slack:U012AB3CD\"], \"channels\": [\"slack:C0123ABCD\"] }.");
            return;
        }
        foreach (var (name, _) in allow)
        {
            if (name is not ("users" or "channels")) setup.Problem($"{Field}/{name}", $"'{name}' is not an allow field; use users and channels.");
        }
        CheckList(setup, allow, "users", user => user == ApprovalRequest.Anyone ? $"'{user}' is not a chat identity; leave allow out to let everyone run it." : ApprovalNode.CheckApprover(user));
        CheckList(setup, allow, "channels", channel => ChannelAddress.TryParse(channel, out _, out var error) ? null : error);
        if (Strings(allow["users"]).Length == 0 && Strings(allow["channels"]).Length == 0 && !setup.HasProblems)
        {
            setup.Problem(Field, "allow must name at least one user or channel; leave it out to let everyone run the command.");
        }
    }

    private static void CheckList(NodeSetup setup, JsonObject allow, string field, Func<string, string?> check)
    {
        var path = $"{Field}/{field}";
        switch (allow[field])
        {
            case null:
                return;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String) setup.Problem($"{path}/{i}", $"{field} must hold strings.");
                    else if (check(item.GetValue<string>()) is { } problem) setup.Problem($"{path}/{i}", problem);
                }
                return;
            default:
                setup.Problem(path, $"{field} must be an array of strings.");
                return;
        }
    }

    private static string[] Strings(JsonNode? node) => node is JsonArray items
        ? items.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToArray()
        : [];
}
