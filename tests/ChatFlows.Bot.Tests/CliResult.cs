using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Tests;

/// <summary>What one <c>chatflows</c> process did: its exit code and everything it printed.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    private const string OutputPrefix = "Output: ";

    /// <summary>Non-empty stdout lines, indentation kept.</summary>
    public string[] StdoutLines => Lines(Stdout);

    /// <summary>Non-empty stderr lines, indentation kept.</summary>
    public string[] StderrLines => Lines(Stderr);

    /// <summary>The run's result, parsed from the final <c>Output:</c> line.</summary>
    public JsonElement Output
    {
        get
        {
            var last = StdoutLines.LastOrDefault() ?? "";
            Assert.True(last.StartsWith(OutputPrefix, StringComparison.Ordinal), $"The last line is not an Output: line.\n{this}");
            return JsonElement.Parse(last[OutputPrefix.Length..]);
        }
    }

    /// <summary>
    /// Where the progress line for a node (<c>  ✔ target   succeeded …</c>) is in stdout, or -1. The status is the
    /// word after the id: running, succeeded, skipped, failed or attempt.
    /// </summary>
    public int FindProgress(string nodeId, string status)
    {
        var pattern = new Regex($@"^  \S+ {Regex.Escape(nodeId)} +{Regex.Escape(status)}\b", RegexOptions.CultureInvariant);
        return Array.FindIndex(StdoutLines, pattern.IsMatch);
    }

    /// <summary>Like <see cref="FindProgress"/>, but fails the test when the line is missing.</summary>
    public int IndexOfProgress(string nodeId, string status)
    {
        var index = FindProgress(nodeId, status);
        Assert.True(index >= 0, $"No '{nodeId} {status}' progress line.\n{this}");
        return index;
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";

    private static string[] Lines(string text) =>
        text.ReplaceLineEndings("\n").Split('\n').Where(line => !string.IsNullOrWhiteSpace(line)).ToArray();
}
