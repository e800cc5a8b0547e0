using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Github;

/// <summary>
/// <c>tool/github</c> (README §GitHub): <c>{connection, action, repository: "owner/name", …}</c> creates, comments on,
/// labels, closes, reads and lists issues and reads pull requests through <see cref="GithubApi"/>. Actions that
/// change GitHub record their answer as a node effect, so that running the node again in the same run (after a
/// crash) returns what was done instead of doing it twice (docs/semantics.md, side effects).
/// </summary>
public sealed class GithubNode : INodeHandler
{
    /// <summary>The effect under which a change's answer is recorded.</summary>
    public const string SentEffect = "github";

    private readonly Settings _settings;
    private readonly BuiltInNodeOptions _options;

    private GithubNode(Settings settings, BuiltInNodeOptions options)
    {
        _settings = settings;
        _options = options;
    }

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "github", setup => Setup(setup, options))
        {
            SideEffect = "calls GitHub's API (creating, commenting on, labelling or closing issues)",
            Label = "GitHub",
            Description = "Creates, comments on, labels, closes, reads and lists GitHub issues and pull requests.",
            Config = new() { ["connection"] = "github", ["action"] = GithubActions.CreateIssue, ["repository"] = "", ["title"] = "" },
            Fields =
            [
                new("connection", "Connection", NodeFieldTypes.Connection) { ConnectionType = ConnectionTypes.Github, Required = true },
                new("action", "Action", NodeFieldTypes.Select) { Required = true, Options = GithubActions.All },
                new("repository", "Repository") { Required = true, Template = true, Hint = "owner/name, like octo-org/website; may use templates ({{ trigger.repository.full_name }})." },
                new("number", "Issue or PR number")
                {
                    Template = true,
                    Actions = [GithubActions.Comment, GithubActions.CloseIssue, GithubActions.AddLabels, GithubActions.GetIssue, GithubActions.GetPullRequest],
                    Hint = "A number or a template, like {{ trigger.issue.number }}.",
                },
                new("title", "Title") { Template = true, Actions = [GithubActions.CreateIssue], Hint = "A template." },
                new("body", "Body", NodeFieldTypes.Textarea) { Template = true, Actions = [GithubActions.CreateIssue, GithubActions.Comment], Hint = "Markdown; a template." },
                new("labels", "Labels", NodeFieldTypes.List)
                {
                    Template = true,
                    Actions = [GithubActions.CreateIssue, GithubActions.AddLabels, GithubActions.ListIssues],
                    Hint = "One a line; each a template. Text with commas (an agent's \"bug, ui\") gives several labels.",
                },
                new("assignees", "Assignees", NodeFieldTypes.List) { Template = true, Actions = [GithubActions.CreateIssue], Hint = "GitHub logins, one a line." },
                new("state", "State", NodeFieldTypes.Select) { Actions = [GithubActions.ListIssues], Options = ["open", "closed", "all"] },
            ],
        });

    private static GithubNode? Setup(NodeSetup setup, BuiltInNodeOptions options)
    {
        var connection = setup.Connection("connection", ConnectionTypes.Github);
        var action = setup.String("action", required: true);
        if (action is not null && !GithubActions.All.Contains(action))
        {
            setup.Problem("action", $"'{action}' is not a GitHub action; use one of {string.Join(", ", GithubActions.All)}.");
            action = null;
        }
        var repository = setup.Template("repository", required: true);
        if (repository is { IsStatic: true } && !GithubRequest.IsRepository(repository.Source.Trim()))
        {
            setup.Problem("repository", $"'{repository.Source}' is not a repository; {GithubRequest.RepositoryRule}.");
        }
        foreach (var field in action is null ? [] : GithubActions.Required(action))
        {
            if (!setup.Node.Config.ContainsKey(field)) setup.Problem(field, $"GitHub {action} needs '{field}'.");
        }
        var settings = new Settings(setup.Path, connection ?? "", action ?? "", repository!)
        {
            Title = setup.Template("title"),
            Body = setup.Template("body"),
            Number = ReadNumber(setup),
            Labels = ReadList(setup, "labels"),
            Assignees = ReadList(setup, "assignees"),
            State = setup.Template("state"),
        };
        if (settings.State is { IsStatic: true } state && !GithubActions.States.Contains(state.Source))
        {
            setup.Problem("state", $"'{state.Source}' is not a state to list; use open, closed or all.");
        }
        return setup.HasProblems ? null : new GithubNode(settings, options);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var registry = _options.Connections ?? throw new NodeException("GitHub nodes cannot run here: this host has no connections.");
        var connection = registry.Use(_settings.Connection, ConnectionTypes.Github, context);
        var changes = GithubActions.Changes(_settings.Action);
        if (changes && await context.Effects.FindAsync(SentEffect, ct) is { } recorded) return NodeResult.Success(recorded);

        var request = await RenderAsync(context.Scope);
        var output = await _options.Github.SendAsync(connection, request, ct);
        if (changes) await context.Effects.RecordAsync(SentEffect, output, ct);
        return NodeResult.Success(output);
    }

    private async ValueTask<GithubRequest> RenderAsync(RunScope scope)
    {
        var repository = (await _settings.Repository.RenderAsync(scope)).Trim();
        if (!GithubRequest.IsRepository(repository))
        {
            throw new NodeException($"{_settings.Repository.Label} rendered to '{Shorten(repository)}', which is not a repository; {GithubRequest.RepositoryRule}.");
        }
        var request = new GithubRequest(_settings.Action, repository)
        {
            Title = _settings.Title is { } title ? await title.RenderAsync(scope) : null,
            Body = _settings.Body is { } body ? await body.RenderAsync(scope) : null,
            Number = _settings.Number is { } number ? await RenderNumberAsync(number, scope) : null,
            Labels = _settings.Labels is { } labels ? GithubCalls.ListOf(await labels.EvaluateAsync(scope), $"{_settings.Path}/config/labels") : [],
            Assignees = _settings.Assignees is { } assignees ? GithubCalls.ListOf(await assignees.EvaluateAsync(scope), $"{_settings.Path}/config/assignees") : [],
            State = _settings.State is { } state ? (await state.RenderAsync(scope)).Trim() : null,
        };
        GithubCalls.Check(request, $"{_settings.Path}/config/");
        return request;
    }

    private async ValueTask<long> RenderNumberAsync(Template number, RunScope scope)
    {
        var text = (await number.RenderAsync(scope)).Trim().TrimStart('#');
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        throw new NodeException($"{number.Label} rendered to '{Shorten(text)}', which is not an issue or pull request number.");
    }

    // A number, or a template that renders to one ("{{ trigger.issue.number }}").
    private static Template? ReadNumber(NodeSetup setup)
    {
        switch (setup.Node.Config["number"])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (v.TryGetValue<long>(out var n) && n > 0) return Template.Parse(n.ToString(CultureInfo.InvariantCulture), setup.FieldPath("number"), setup.Sandbox);
                setup.Problem("number", "number must be a whole number from 1 up.");
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var template = setup.Template("number");
                if (template is { IsStatic: true } && !long.TryParse(template.Source.Trim().TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    setup.Problem("number", $"'{template.Source}' is not an issue or pull request number.");
                }
                return template;
            default:
                setup.Problem("number", "number must be a number or a template like {{ trigger.issue.number }}.");
                return null;
        }
    }

    // A list of templates, or one template that gives a list or comma-separated text ("{{ data.triage }}").
    private static JsonTemplate? ReadList(NodeSetup setup, string field)
    {
        switch (setup.Node.Config[field])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return setup.JsonTemplate(field);
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String) setup.Problem($"{field}/{i}", $"Each of {field} must be text.");
                }
                return setup.JsonTemplate(field);
            default:
                setup.Problem(field, $"{field} must be a list of text, or one template that gives a list.");
                return null;
        }
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;

    /// <summary>The compiled config of one node.</summary>
    private sealed record Settings(string Path, string Connection, string Action, Template Repository)
    {
        public Template? Title { get; init; }

        public Template? Body { get; init; }

        public Template? Number { get; init; }

        public JsonTemplate? Labels { get; init; }

        public JsonTemplate? Assignees { get; init; }

        public Template? State { get; init; }
    }
}
