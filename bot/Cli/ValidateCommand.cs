using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Cli;

/// <summary><c>chatflows validate &lt;file&gt;...</c>: every problem of every file, one per line.</summary>
internal static class ValidateCommand
{
    public static int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine("chatflows validate: give one or more workflow files, e.g. chatflows validate samples/*.json");
            return CommandLine.Usage;
        }
        var validator = new WorkflowValidator(NodeRegistry.CreateDefault());
        var problemCount = 0;
        var unreadable = 0;
        // Files validated together are workflows of one host: a chat command name may start only one of them.
        var earlier = new List<WorkflowDocument>();
        foreach (var path in args)
        {
            WorkflowDocument document;
            try
            {
                document = WorkflowFiles.Read(path);
            }
            catch (WorkflowFormatException ex)
            {
                stderr.WriteLine($"{path}: {ex.Message}");
                unreadable++;
                continue;
            }
            var problems = validator.Validate(document).Concat(CommandNames.Conflicts(document, earlier)).ToArray();
            earlier.Add(document);
            if (problems.Length == 0)
            {
                stdout.WriteLine($"{path}: valid ({document.Nodes.Count} nodes, {document.Edges.Count} edges)");
                continue;
            }
            stdout.WriteLine($"{path}: {problems.Length} problem{(problems.Length == 1 ? "" : "s")}");
            foreach (var problem in problems) stdout.WriteLine($"  {problem.Path}: {problem.Message}");
            problemCount += problems.Length;
        }
        if (unreadable > 0) return CommandLine.Usage;
        return problemCount > 0 ? CommandLine.Failed : CommandLine.Success;
    }
}
