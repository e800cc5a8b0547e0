using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Testing;

namespace ChatFlows.Core.Documents;

/// <summary>
/// Checks a workflow document and reports every problem at once, each with a path and a sentence: ids, types and
/// kinds, per-kind config, edges and ports, triggers, reachability and cycles. Agent references are left to the
/// caller, who knows the agents.
/// </summary>
public sealed partial class WorkflowValidator(NodeRegistry registry)
{
    /// <summary>Largest number of nodes a workflow may have.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>Longest node name, in characters: a name is read at a glance on a progress card.</summary>
    public const int MaxNodeNameLength = 80;

    /// <summary>Every problem with <paramref name="document"/>; empty when it can be saved and run.</summary>
    public IReadOnlyList<ValidationProblem> Validate(WorkflowDocument document) => Check(document).Problems;

    internal Checked Check(WorkflowDocument document)
    {
        var problems = new List<ValidationProblem>();
        var handlers = new INodeHandler?[document.Nodes.Count];
        var kinds = new NodeKind?[document.Nodes.Count];

        if (string.IsNullOrWhiteSpace(document.Id)) problems.Add(new("id", "The workflow needs an id."));
        else if (!WorkflowId().IsMatch(document.Id)) problems.Add(new("id", $"'{document.Id}' is not a workflow id; use lower-case letters, digits, '-' and '_', starting with a letter or digit."));
        // POST /hooks/github is the one address of GitHub deliveries for every workflow (README §GitHub webhooks).
        else if (document.Id == ReservedGithubHookId) problems.Add(new("id", $"'{document.Id}' is reserved: /hooks/{document.Id} receives GitHub's deliveries for every workflow; choose another id, like {document.Id}-events."));
        if (document.History is not null && !HistoryPolicies.Values.Contains(document.History))
        {
            problems.Add(new("history", $"'{document.History}' is not a history policy; use all (keep every run), errors (keep only failed, cancelled and expired runs) or none (keep no ended run)."));
        }
        if (document.Nodes.Count == 0) problems.Add(new("nodes", "The workflow has no nodes; it needs at least a trigger."));
        if (document.Nodes.Count > MaxNodes) problems.Add(new("nodes", $"The workflow has {document.Nodes.Count} nodes; at most {MaxNodes} are allowed."));

        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new string[document.Nodes.Count];
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var id = document.Nodes[i].Id;
            paths[i] = $"nodes/{i}";
            if (string.IsNullOrEmpty(id)) problems.Add(new($"nodes/{i}/id", "Every node needs an id."));
            else if (!NodeId().IsMatch(id)) problems.Add(new($"nodes/{i}/id", $"'{id}' is not a node id; use letters, digits, '-' and '_', starting with a letter."));
            else if (indexById.TryGetValue(id, out var first)) problems.Add(new($"nodes/{i}/id", $"The id '{id}' is already used by nodes/{first}; node ids must be unique."));
            else
            {
                indexById[id] = i;
                paths[i] = $"nodes/{id}";
            }
        }

        for (var i = 0; i < document.Nodes.Count; i++)
        {
            (kinds[i], handlers[i]) = CheckNode(document.Nodes[i], paths[i], document.Id ?? "", document.Workspace, problems);
        }

        var edges = CheckEdges(document, indexById, kinds, problems);
        CheckRoutedErrors(document, paths, problems);
        var triggers = Enumerable.Range(0, document.Nodes.Count).Where(i => kinds[i]?.IsTrigger ?? document.Nodes[i].Type == NodeTypes.Trigger).ToArray();
        if (document.Nodes.Count > 0 && triggers.Length == 0)
        {
            problems.Add(new("nodes", "The workflow has no trigger; add a trigger node (manual, command, webhook, schedule or message)."));
        }
        else
        {
            CheckReachable(document, edges, triggers, paths, problems);
        }
        CheckCycles(document, edges, problems);
        // The workflow's own tests (README §Workflow tests) must name its nodes, so a rename is caught on save.
        WorkflowTests.Read(document.Tests, document, registry, problems);
        return new Checked(problems, kinds, handlers);
    }

    private (NodeKind?, INodeHandler?) CheckNode(WorkflowNode node, string path, string workflowId, string workspace, List<ValidationProblem> problems)
    {
        CheckCommonFields(node, path, problems);
        if (string.IsNullOrEmpty(node.Type))
        {
            problems.Add(new($"{path}/type", $"The node needs a type: one of {string.Join(", ", NodeTypes.All)}."));
            return (null, null);
        }
        if (!NodeTypes.All.Contains(node.Type))
        {
            problems.Add(new($"{path}/type", $"'{node.Type}' is not a node type; use one of {string.Join(", ", NodeTypes.All)}."));
            return (null, null);
        }
        var kind = registry.Find(node);
        if (kind is null)
        {
            var field = node.Type == NodeTypes.Tool ? "tool" : "kind";
            var known = registry.KindsOf(node.Type);
            var message = known.Count == 0
                ? $"{node.Type} nodes are not available in this version of ChatFlows."
                : node.Kind is null
                    ? $"A {node.Type} node needs config.{field}: one of {string.Join(", ", known)}."
                    : $"'{node.Kind}' is not a {node.Type} {field}; use one of {string.Join(", ", known)}.";
            problems.Add(new(registry.HasKinds(node.Type) ? $"{path}/config/{field}" : $"{path}/type", message));
            return (null, null);
        }
        var setup = new NodeSetup(node, path, problems, registry.Sandbox, workflowId, registry.Connections, workspace);
        var handler = kind.Create(setup);
        CheckSecrets(node, kind, path, problems);
        // The workspace's policy may change after the save; the node checks it again each time it runs.
        if (handler is not null and not ManualTrigger && registry.Workspaces is { } workspaces)
        {
            var connection = node.Config["connection"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;
            handler = new Workspaces.WorkspaceGuardedHandler(handler, kind, connection, workspaces);
        }
        return (kind, setup.HasProblems ? null : handler);
    }

    // Secrets are credentials, not data (README §Secrets): only a credential field may name one, and only as
    // {{ secrets.NAME }} alone, which the node resolves after templating where it uses the value.
    private static void CheckSecrets(WorkflowNode node, NodeKind kind, string path, List<ValidationProblem> problems)
    {
        foreach (var (field, text) in node.ConfigStrings()) Check(text, field);

        void Check(string text, string field)
        {
            var fieldPath = $"{path}/config/{field}";
            if (kind.Type == NodeTypes.Condition && SecretReferences.IsMentionedInExpression(text))
            {
                problems.Add(new(fieldPath, $"A condition cannot read secrets; {SecretReferences.WhereAllowed}."));
            }
            else if (!SecretReferences.IsMentioned(text))
            {
                return;
            }
            else if (!IsCredential(kind, field))
            {
                problems.Add(new(fieldPath, $"This field cannot read secrets; {SecretReferences.WhereAllowed}."));
            }
            else if (!SecretReferences.IsPlainOnly(text))
            {
                problems.Add(new(fieldPath, $"A secret cannot go through a filter or an expression, even here; {SecretReferences.WhereAllowed} (e.g. \"Bearer {{{{ secrets.API_TOKEN }}}}\")."));
            }
        }
    }

    private static bool IsCredential(NodeKind kind, string field) =>
        kind.CredentialFields.Any(pattern => pattern.EndsWith("/*", StringComparison.Ordinal)
            ? field.StartsWith(pattern[..^1], StringComparison.Ordinal) && field.IndexOf('/', pattern.Length - 1) < 0
            : field == pattern);

    private static void CheckCommonFields(WorkflowNode node, string path, List<ValidationProblem> problems)
    {
        if (node.Name is { } name) CheckName(name, $"{path}/name", problems);
        if (node.Output is not null && !OutputKey().IsMatch(node.Output))
        {
            problems.Add(new($"{path}/output", $"'{node.Output}' is not a data key; use letters, digits and '_', starting with a letter."));
        }
        if (node.Timeout is not null && !(IsoDuration.TryParse(node.Timeout, out var timeout) && timeout > TimeSpan.Zero))
        {
            problems.Add(new($"{path}/timeout", $"'{node.Timeout}' is not a positive ISO-8601 duration (like PT10S or PT5M)."));
        }
        if (node.OnError is not null && !OnErrorModes.All.Contains(node.OnError))
        {
            problems.Add(new($"{path}/onError", $"'{node.OnError}' is not an onError mode; use fail, continue or route."));
        }
        // select (README §Bounded outputs) is common to every kind, so no kind's form or factory reads it.
        OutputSelect.Read(node.Config, path, problems);
        if (node.Retry is { } retry)
        {
            if (retry.MaxAttempts is < 1 or > 20) problems.Add(new($"{path}/retry/maxAttempts", "maxAttempts must be from 1 to 20."));
            CheckDuration(retry.InitialDelay, $"{path}/retry/initialDelay", problems);
            CheckDuration(retry.MaxDelay, $"{path}/retry/maxDelay", problems);
            if (retry.BackoffFactor is < 1 or > 10) problems.Add(new($"{path}/retry/backoffFactor", "backoffFactor must be from 1 to 10."));
            if (retry.Jitter is < 0 or > 1) problems.Add(new($"{path}/retry/jitter", "jitter must be from 0 to 1 (a fraction of the delay)."));
        }
    }

    // A node name is one short line people read on a card (README §Node names).
    private static void CheckName(string name, string path, List<ValidationProblem> problems)
    {
        if (name.Trim().Length == 0) problems.Add(new(path, "The name is empty; leave it out to show the node's id, or give 1 to 80 characters."));
        else if (name.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029')) problems.Add(new(path, "The name must be one line, without line breaks or control characters."));
        else if (name != name.Trim()) problems.Add(new(path, $"The name '{name}' starts or ends with spaces; remove them."));
        else if (name.Length > MaxNodeNameLength) problems.Add(new(path, $"The name has {name.Length} characters; at most {MaxNodeNameLength} are allowed."));
    }

    private static void CheckDuration(string? text, string path, List<ValidationProblem> problems)
    {
        if (text is not null && !(IsoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero))
        {
            problems.Add(new(path, $"'{text}' is not an ISO-8601 duration (like PT1S or PT2M)."));
        }
    }

    private static List<(int From, int To)> CheckEdges(WorkflowDocument document, Dictionary<string, int> indexById, NodeKind?[] kinds, List<ValidationProblem> problems)
    {
        var valid = new List<(int, int)>();
        var seen = new HashSet<(string, string?, string)>();
        for (var i = 0; i < document.Edges.Count; i++)
        {
            var edge = document.Edges[i];
            var path = $"edges/{i}";
            var fromKnown = Resolve(edge.From, "from", path, indexById, problems, out var from);
            var toKnown = Resolve(edge.To, "to", path, indexById, problems, out var to);
            if (!seen.Add((edge.From, edge.Port, edge.To)))
            {
                problems.Add(new(path, $"This edge repeats an earlier one from '{edge.From}' to '{edge.To}'."));
                continue;
            }
            if (toKnown && document.Nodes[to].Type == NodeTypes.Trigger)
            {
                problems.Add(new($"{path}/to", $"'{edge.To}' is a trigger; triggers start runs and cannot have incoming edges."));
            }
            if (fromKnown) CheckPort(document.Nodes[from], kinds[from], edge.Port, path, problems);
            if (fromKnown && toKnown) valid.Add((from, to));
        }
        return valid;
    }

    // A routed error with nowhere to go would end its branch quietly and the run would "succeed" past a failure.
    private static void CheckRoutedErrors(WorkflowDocument document, string[] paths, List<ValidationProblem> problems)
    {
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (node.OnError != OnErrorModes.Route) continue;
            if (document.Edges.Any(e => e.From == node.Id && e.Port == NodeTypes.ErrorPort)) continue;
            problems.Add(new(
                $"{paths[i]}/onError",
                $"'{node.Id}' routes its errors, but nothing is connected to its error port; connect the error port to the node that handles the failure, or use \"onError\": \"fail\" or \"continue\"."));
        }
    }

    private static bool Resolve(string id, string field, string path, Dictionary<string, int> indexById, List<ValidationProblem> problems, out int index)
    {
        if (string.IsNullOrEmpty(id))
        {
            problems.Add(new($"{path}/{field}", $"The edge needs '{field}', a node id."));
            index = -1;
            return false;
        }
        if (indexById.TryGetValue(id, out index)) return true;
        problems.Add(new($"{path}/{field}", $"No node has the id '{id}'."));
        return false;
    }

    private static void CheckPort(WorkflowNode node, NodeKind? kind, string? port, string path, List<ValidationProblem> problems)
    {
        if (kind is null) return;
        if (port == NodeTypes.ErrorPort)
        {
            if (node.OnError != OnErrorModes.Route)
            {
                problems.Add(new($"{path}/port", $"The error port of '{node.Id}' fires only when the node has \"onError\": \"route\"."));
            }
            return;
        }
        if (port is null && kind.Ports.Count > 0)
        {
            problems.Add(new($"{path}/port", $"Edges from {kind.Name} '{node.Id}' need a port: {string.Join(" or ", kind.Ports)}."));
        }
        else if (port is not null && !kind.Ports.Contains(port))
        {
            var ports = kind.Ports.Count > 0
                ? $"its ports are {string.Join(", ", kind.Ports)}"
                : "it has only its default port (leave port out)";
            problems.Add(new($"{path}/port", $"{kind.Name} '{node.Id}' has no port '{port}'; {ports}."));
        }
    }

    private static void CheckReachable(WorkflowDocument document, List<(int From, int To)> edges, int[] triggers, string[] paths, List<ValidationProblem> problems)
    {
        var reached = new bool[document.Nodes.Count];
        var queue = new Queue<int>(triggers);
        foreach (var t in triggers) reached[t] = true;
        var outgoing = edges.ToLookup(e => e.From, e => e.To);
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in outgoing[node])
            {
                if (!reached[next])
                {
                    reached[next] = true;
                    queue.Enqueue(next);
                }
            }
        }
        for (var i = 0; i < reached.Length; i++)
        {
            if (!reached[i]) problems.Add(new(paths[i], $"'{document.Nodes[i].Id}' cannot be reached from any trigger; connect it or remove it."));
        }
    }

    // Tarjan's strongly connected components: each component of more than one node, or a node with an edge to
    // itself, is one cycle to report.
    private static void CheckCycles(WorkflowDocument document, List<(int From, int To)> edges, List<ValidationProblem> problems)
    {
        var count = document.Nodes.Count;
        var outgoing = edges.ToLookup(e => e.From, e => e.To);
        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var next = 0;

        for (var start = 0; start < count; start++)
        {
            if (index[start] >= 0) continue;
            // Iterative DFS so that a long chain of nodes cannot overflow the stack.
            var work = new Stack<(int Node, IEnumerator<int> Children)>();
            Visit(start);
            while (work.Count > 0)
            {
                var (node, children) = work.Peek();
                if (children.MoveNext())
                {
                    var child = children.Current;
                    if (index[child] < 0) Visit(child);
                    else if (onStack[child]) low[node] = Math.Min(low[node], index[child]);
                    continue;
                }
                work.Pop();
                if (work.Count > 0) low[work.Peek().Node] = Math.Min(low[work.Peek().Node], low[node]);
                if (low[node] != index[node]) continue;
                var component = new List<int>();
                int member;
                do
                {
                    member = stack.Pop();
                    onStack[member] = false;
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1 || edges.Contains((node, node)))
                {
                    component.Reverse();
                    var ids = component.Select(n => $"'{document.Nodes[n].Id}'");
                    var edgeIndex = IndexOfEdgeWithin(document, component);
                    problems.Add(new($"edges/{edgeIndex}", $"Nodes {string.Join(" → ", ids)} form a cycle; workflows cannot loop back."));
                }
            }

            void Visit(int node)
            {
                index[node] = low[node] = next++;
                stack.Push(node);
                onStack[node] = true;
                work.Push((node, outgoing[node].GetEnumerator()));
            }
        }
    }

    private static int IndexOfEdgeWithin(WorkflowDocument document, List<int> component)
    {
        var ids = component.Select(n => document.Nodes[n].Id).ToHashSet();
        for (var i = 0; i < document.Edges.Count; i++)
        {
            if (ids.Contains(document.Edges[i].From) && ids.Contains(document.Edges[i].To)) return i;
        }
        return 0;
    }

    /// <summary>True when <paramref name="id"/> has the form of a workflow id.</summary>
    public static bool IsValidWorkflowId(string? id) => id is not null && WorkflowId().IsMatch(id) && id != ReservedGithubHookId;

    /// <summary>The id no workflow may take, because its webhook address is GitHub's shared one.</summary>
    public const string ReservedGithubHookId = "github";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}\\z")]
    private static partial Regex WorkflowId();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}\\z")]
    private static partial Regex NodeId();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}\\z")]
    private static partial Regex OutputKey();

    internal sealed record Checked(List<ValidationProblem> Problems, NodeKind?[] Kinds, INodeHandler?[] Handlers);
}
