using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// A run as every chat channel shows it, whatever it renders to (an Adaptive Card, Block Kit, plain text): each
/// node's name, state, duration, attempt and a short output or error, who started it, the elapsed time and token cost.
/// Succeeded plumbing steps and skipped steps are folded into one line (README §Progress cards).
/// </summary>
public sealed record ProgressView
{
    /// <summary>The longest output or error text a step shows; the run detail has the rest.</summary>
    public const int SummaryLength = 120;

    /// <summary>How many keys of an object output are shown as "key: value" lines; the rest are counted.</summary>
    public const int SummaryKeys = 4;

    // How many approvers a waiting step names before counting the others.
    private const int NamedApprovers = 3;

    // The longest value on a "key: value" line.
    private const int ValueLength = 60;

    public required string RunId { get; init; }

    public required string WorkflowId { get; init; }

    /// <summary>The workflow's name, or its id when it has none.</summary>
    public required string WorkflowName { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Who started the run, e.g. <c>playground:ada</c> or <c>schedule</c>.</summary>
    public string? StartedBy { get; init; }

    /// <summary>From the moment the run was queued to its end, or to now while it goes on.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Tokens and cost over every agent node so far; null when no model was called.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Every node but the triggers, in document order.</summary>
    public required IReadOnlyList<ProgressStep> Steps { get; init; }

    /// <summary>Why the run failed, naming the node by its name.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// The run's result as text: its <c>text</c> when it has one, else "key: value" lines (one per line), a string as
    /// itself, an array as "n items". The JSON itself is for <c>/run status &lt;run&gt; json</c> and the run page.
    /// </summary>
    public string? Result { get; init; }

    /// <summary>The run's page on the canvas, as an absolute address, when the host knows its public URL; cards link to it.</summary>
    public string? RunPage { get; init; }

    /// <summary>True once the run has ended: this is the last state a card shows.</summary>
    public bool IsFinal => Status.IsTerminal();

    /// <summary>The steps that get a line of their own: every step that is not <see cref="ProgressStep.IsFolded"/>.</summary>
    public IReadOnlyList<ProgressStep> Listed => [.. Steps.Where(s => !s.IsFolded)];

    /// <summary>
    /// The line that stands for the folded steps, e.g. <c>✓ 5 steps done · 2 skipped</c>; null when nothing is folded.
    /// </summary>
    public string? FoldLine
    {
        get
        {
            var done = Steps.Count(s => s.IsFolded && s.Status == NodeStatus.Succeeded);
            var skipped = Steps.Count(s => s.Status == NodeStatus.Skipped);
            if (done == 0 && skipped == 0) return null;
            if (done == 0) return $"{ChatText.Mark(NodeStatus.Skipped)} {skipped} step{Plural(skipped)} skipped";
            var line = $"{ChatText.Mark(NodeStatus.Succeeded)} {done} step{Plural(done)} done";
            return skipped == 0 ? line : $"{line} · {skipped} skipped";
        }
    }

    /// <summary>
    /// True for the kinds that only move data along, so a person need not read them once they succeeded:
    /// <c>tool/transform</c> (reshapes data), <c>tool/delay</c> (waits a fixed time), <c>output/end</c> and
    /// <c>output/respond</c> (hand the result back; the card shows the result), and <c>condition</c> (picks a branch;
    /// the steps that ran show which). Failed, running and waiting plumbing is shown like any step.
    /// </summary>
    public static bool IsPlumbing(WorkflowNode node) =>
        node.Type == NodeTypes.Condition
        || node.TypeName is "tool/transform" or "tool/delay" or "output/end" or "output/respond";

    /// <summary>The view of a stored run of <paramref name="document"/> (the version it is pinned to) at <paramref name="now"/>.</summary>
    public static ProgressView From(StoredRun run, WorkflowDocument document, DateTimeOffset now)
    {
        var records = run.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var steps = document.Nodes
            .Where(n => n.Type != NodeTypes.Trigger)
            .Select(n => Step(n, records.GetValueOrDefault(n.Id)))
            .ToArray();
        return new ProgressView
        {
            RunId = run.Id,
            WorkflowId = run.WorkflowId,
            WorkflowName = document.DisplayName,
            Status = run.Status,
            StartedBy = run.StartedBy,
            Elapsed = (run.FinishedAt ?? now) - run.CreatedAt,
            Usage = TokenUsage.Sum(run.Nodes.Select(n => n.Usage)),
            Steps = steps,
            Error = run.Error is { } error ? Shorten(ErrorText(error, document)) : null,
            Result = run.Result is { } result ? ResultText(result) : null,
        };
    }

    /// <summary>The view of a run that is about to be queued: every step pending.</summary>
    public static ProgressView Queued(string runId, WorkflowDocument document, string? startedBy) => new()
    {
        RunId = runId,
        WorkflowId = document.Id,
        WorkflowName = document.DisplayName,
        Status = RunStatus.Queued,
        StartedBy = startedBy,
        Elapsed = TimeSpan.Zero,
        Steps = document.Nodes.Where(n => n.Type != NodeTypes.Trigger).Select(n => Step(n, null)).ToArray(),
    };

    private static ProgressStep Step(WorkflowNode node, NodeRecord? record)
    {
        if (record is null) return new ProgressStep(node.Id, node.TypeName, NodeStatus.Pending, 0, null, null, null) { Name = node.DisplayName, IsPlumbing = IsPlumbing(node) };
        var summary = record.Status switch
        {
            NodeStatus.Waiting when record.Bookmark == ApprovalNode.Bookmark && ApprovalRequest.From(record.Output) is { } asked => Waiting(asked),
            NodeStatus.Waiting when record.WakeAt is { } wake => $"waiting until {wake.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            NodeStatus.Succeeded when record.Output is { } output => Summarize(output),
            _ => null,
        };
        var error = record.Error is { } message ? Shorten(message) : null;
        return new ProgressStep(node.Id, node.TypeName, record.Status, record.Attempts, record.Duration, summary, error)
        {
            Name = node.DisplayName,
            IsPlumbing = IsPlumbing(node),
        };
    }

    // Who must approve and by when, the deadline first so that a long list of approvers never cuts it off.
    private static string Waiting(ApprovalRequest asked)
    {
        var who = asked.Approvers.Contains(ApprovalRequest.Anyone)
            ? "anyone"
            : asked.Approvers.Count <= NamedApprovers
                ? string.Join(", ", asked.Approvers)
                : $"{string.Join(", ", asked.Approvers.Take(NamedApprovers))} or {asked.Approvers.Count - NamedApprovers} more";
        var deadline = asked.ExpiresAt is { } expires ? $" by {ChatText.Utc(expires)}" : "";
        return $"waiting for {who} to approve{deadline}";
    }

    private static string ErrorText(RunError error, WorkflowDocument document) =>
        error.NodeId is { } id && document.Nodes.FirstOrDefault(n => n.Id == id) is { } node ? $"{node.DisplayName}: {error.Message}" : error.ToString();

    /// <summary>
    /// An output as one short line: a decision as "approved by …", text as itself, an object as "key: value" pairs
    /// joined by " · ", an array as "n items".
    /// </summary>
    public static string? Summarize(JsonElement output)
    {
        var lines = Lines(output);
        return lines.Count == 0 ? null : Shorten(string.Join(" · ", lines));
    }

    /// <summary>A run's result as text, one "key: value" per line when it is an object without a <c>text</c>.</summary>
    public static string? ResultText(JsonElement result)
    {
        var lines = Lines(result);
        return lines.Count == 0 ? null : string.Join('\n', lines.Select(Shorten));
    }

    private static List<string> Lines(JsonElement output)
    {
        switch (output.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return [];
            case JsonValueKind.Object when Text(output, "decision") is { } decision:
                return [Text(output, "by") is { } by ? $"{decision} by {by}" : decision];
            case JsonValueKind.Object when Text(output, "text") is { } text:
                return string.IsNullOrWhiteSpace(text) ? [] : [text];
            case JsonValueKind.Object:
                var properties = output.EnumerateObject().ToArray();
                var lines = properties.Take(SummaryKeys).Select(p => $"{p.Name}: {Value(p.Value)}").ToList();
                if (properties.Length > SummaryKeys) lines.Add($"… {properties.Length - SummaryKeys} more");
                return lines;
            default:
                var value = Value(output);
                return string.IsNullOrWhiteSpace(value) ? [] : [value];
        }
    }

    // A value as a few words: strings as themselves (cut), numbers and booleans as written, nested values counted.
    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Cut(OneLine(value.GetString() ?? ""), ValueLength),
        JsonValueKind.Array => Count(value.GetArrayLength(), "item"),
        JsonValueKind.Object => Count(value.EnumerateObject().Count(), "field"),
        JsonValueKind.Null => "none",
        _ => value.GetRawText(),
    };

    private static string Count(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{Plural(count)}");

    private static string Plural(int count) => count == 1 ? "" : "s";

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    private static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    private static string Shorten(string text) => Cut(OneLine(text), SummaryLength);
}
