using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Widgets;

/// <summary>
/// <c>output/widget</c> (README §Dashboard widgets): sets the dashboard widget <c>widget</c> to <c>value</c> (any JSON
/// whose strings are templates), checked for its <c>type</c> when the node runs. A series takes a number as a point at
/// the run's time. The store keys what it adds by run and node, so a node executed again after a crash adds nothing.
/// The node's output is what was set.
/// </summary>
public sealed partial class WidgetNode(string name, Template? title, string type, JsonTemplate value, IWidgetStore? store) : INodeHandler
{
    /// <summary>What a widget name may be.</summary>
    public const string NameRule = "use lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters";

    /// <summary>Registers the kind; widgets are kept in <paramref name="store"/>.</summary>
    public static void Register(NodeRegistry registry, IWidgetStore? store) =>
        registry.Add(new NodeKind(NodeTypes.Output, "widget", setup => Setup(setup, store))
        {
            SideEffect = "sets a widget on the dashboard",
            Label = "Dashboard widget",
            Description = "Sets a number, text, table, list or chart on the dashboard.",
            Config = new() { ["widget"] = "", ["type"] = WidgetTypes.Number, ["value"] = "" },
            Fields =
            [
                new("widget", "Widget") { Required = true, Hint = "Its name: lower-case letters, digits and dashes, like open-issues." },
                new("title", "Title") { Template = true, Hint = "What the dashboard calls it; empty: the name." },
                new("type", "Type", NodeFieldTypes.Select) { Required = true, Options = WidgetTypes.All },
                new("value", "Value", NodeFieldTypes.Json)
                {
                    Required = true,
                    Template = true,
                    Hint = "number: a number; text: Markdown; table: rows (objects); list: strings or {text, url}; series: a number (a point now) or [{at, value}].",
                },
            ],
        });

    /// <summary>True when <paramref name="name"/> is a widget name.</summary>
    public static bool IsValidName(string name) => WidgetName().IsMatch(name);

    private static WidgetNode? Setup(NodeSetup setup, IWidgetStore? store)
    {
        var name = setup.String("widget", required: true);
        if (!string.IsNullOrEmpty(name) && !IsValidName(name)) setup.Problem("widget", $"'{name}' is not a widget name; {NameRule}.");
        var title = setup.Template("title");
        var type = setup.String("type", required: true);
        if (type is not null && !WidgetTypes.All.Contains(type)) setup.Problem("type", $"'{type}' is not a widget type; use one of {string.Join(", ", WidgetTypes.All)}.");
        var value = setup.JsonTemplate("value", required: true);
        return setup.HasProblems ? null : new WidgetNode(name!, title, type!, value!, store);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var heading = title is null ? null : await title.RenderAsync(context.Scope);
        var update = WidgetValues.Check(new WidgetUpdate
        {
            Name = name,
            Title = string.IsNullOrWhiteSpace(heading) ? null : heading,
            Type = type,
            Value = await value.EvaluateAsync(context.Scope),
            // The run's time, so that a re-execution places a series point where the first execution did.
            At = (context.Scope as RunState)?.StartedAt ?? context.Time.GetUtcNow(),
            RunId = context.RunId,
            WorkflowId = context.WorkflowId,
            Workspace = context.Workspace,
            NodeId = context.Node.Id,
        });
        // A test of the node shows what it would set; the dashboard is left alone (README §Test a node).
        if (context.IsTest) return NodeResult.Success(Output(update, stored: false));
        var widgets = store ?? throw new NodeException($"Cannot set widget '{name}': this process keeps no dashboard widgets; run the workflow on the host.");
        try
        {
            await widgets.SetAsync(update, ct);
        }
        catch (WidgetTakenException ex)
        {
            throw new NodeException(ex.Message);
        }
        return NodeResult.Success(Output(update, stored: true));
    }

    private static JsonElement Output(WidgetUpdate update, bool stored) => JsonSerializer.SerializeToElement(new
    {
        widget = update.Name,
        title = update.Title,
        type = update.Type,
        value = update.Value,
        at = update.At,
        points = update.ReplacesPoints ? update.Points?.Count : null,
        set = stored,
    });

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex WidgetName();
}
