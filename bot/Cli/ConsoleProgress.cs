using System.Text.Json;
using System.Threading.Channels;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Cli;

/// <summary>Prints a run's events as they happen: one line per node change, then a summary.</summary>
internal sealed class ConsoleProgress(TextWriter output, WorkflowPlan plan)
{
    private const int OutputPreview = 100;
    private readonly int _idWidth = Math.Max(8, plan.Document.Nodes.Max(n => n.Id.Length));
    private readonly bool _color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Header(WorkflowDocument document, string runId) =>
        output.WriteLine($"▶ {document.DisplayName} ({document.Id} v{document.Version}) run {runId}");

    public async Task PrintAsync(ChannelReader<RunEvent> events)
    {
        await foreach (var e in events.ReadAllAsync())
        {
            var line = Describe(e);
            if (line is not null) await output.WriteLineAsync(line);
        }
    }

    public void Summary(RunState run)
    {
        var elapsed = run.FinishedAt - run.StartedAt;
        var took = elapsed is { } span ? $" in {Format(span)}" : "";
        switch (run.Status)
        {
            case RunStatus.Succeeded:
                output.WriteLine(Paint($"✔ succeeded{took}", 32));
                break;
            case RunStatus.Waiting:
                var waiting = run.Nodes.Where(n => n.Status == NodeStatus.Waiting).Select(n => $"'{n.NodeId}' ({n.Bookmark})");
                output.WriteLine(Paint($"⏸ waiting on {string.Join(", ", waiting)}: a person must resume it in chat or the canvas.", 33));
                break;
            case RunStatus.Failed:
                output.WriteLine(Paint($"✖ failed{took} at '{run.Error?.NodeId}': {run.Error?.Message}", 31));
                break;
            default:
                output.WriteLine(Paint($"✖ {run.Status.ToText()}{took}", 31));
                break;
        }
        if (run.Result is { } result) output.WriteLine($"Output: {result.GetRawText()}");
    }

    private string? Describe(RunEvent e)
    {
        var id = e.NodeId?.PadRight(_idWidth);
        return e.Type switch
        {
            RunEventTypes.NodeStarted => $"  {Paint("●", 36)} {id} running{(e.Attempt > 1 ? $" (attempt {e.Attempt})" : "")}",
            RunEventTypes.NodeFinished when e.Status == "skipped" => $"  {Paint("↷", 90)} {id} skipped",
            RunEventTypes.NodeFinished => $"  {Paint("✔", 32)} {id} succeeded {Duration(e)}{Preview(e.Output)}",
            RunEventTypes.NodeFailed when e.WillRetry == true =>
                $"  {Paint("✖", 33)} {id} attempt {e.Attempt} failed: {e.Error} — retrying in {Format(TimeSpan.FromMilliseconds(e.RetryInMs ?? 0))}",
            RunEventTypes.NodeFailed => $"  {Paint("✖", 31)} {id} failed {Duration(e)}  {e.Error}",
            RunEventTypes.RunWaiting => $"  {Paint("⏸", 33)} {id} waiting on '{e.Bookmark}'{(e.WakeAt is { } wake ? $" until {wake:HH:mm:ss}" : "")}",
            _ => null,
        };
    }

    private static string Duration(RunEvent e) => e.DurationMs is { } ms ? Format(TimeSpan.FromMilliseconds(ms)).PadLeft(8) : "";

    private static string Preview(JsonElement? value)
    {
        if (value is not { } json || json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return "";
        var text = json.GetRawText().ReplaceLineEndings(" ");
        return "  " + (text.Length <= OutputPreview ? text : text[..(OutputPreview - 1)] + "…");
    }

    private static string Format(TimeSpan span) =>
        span.TotalMilliseconds < 1 ? $"{span.TotalMicroseconds:0} µs"
        : span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms"
        : $"{span.TotalSeconds:0.0} s";

    private string Paint(string text, int color) => _color ? $"\u001b[{color}m{text}\u001b[0m" : text;
}
