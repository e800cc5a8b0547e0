namespace ChatFlows.Bot.Cli;

/// <summary>Dispatches <c>chatflows &lt;command&gt;</c>. Exit codes: 0 success, 1 the run or document failed, 2 bad usage or an unreadable file, 3 the run waits for a person.</summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Waiting = 3;

    /// <summary>True for the offline commands; no arguments, <c>serve</c> or host options (<c>--urls …</c>) start the host.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] != "serve" && !args[0].StartsWith("--", StringComparison.Ordinal) || args is ["--help"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        switch (args.FirstOrDefault())
        {
            case "run":
                return await RunCommand.ExecuteAsync(args[1..], stdout, stderr);
            case "validate":
                return ValidateCommand.Execute(args[1..], stdout, stderr);
            case "test":
                return await TestCommand.ExecuteAsync(args[1..], stdout, stderr);
            case "help" or "--help" or "-h":
                await stdout.WriteAsync(Help);
                return Success;
            default:
                await stderr.WriteLineAsync($"chatflows: unknown command '{args[0]}'. Try 'chatflows help'.");
                return Usage;
        }
    }

    public const string Help = """
        ChatFlows — chat-first workflows.

        Usage:
          chatflows [serve] [--urls http://localhost:5080]
              Starts the host: the HTTP API, webhooks, the run workers and schedules (SQLite in ./data,
              or the PostgreSQL database of ChatFlows:Storage when Provider is postgres).
          chatflows run <file-or-id> [--input '<json>' | key=value ...] [--trigger <node id>]
                        [--agents <file or folder>] [--approve | --reject] [--as <approver>] [--comment <text>]
              Runs a workflow to the end, showing each node live. An id is looked up as samples/<id>.json
              or workflows/<id>.json. key=value pairs arrive as trigger.args, as from /run in chat;
              --input passes a JSON object as the trigger payload as it is. Messages are printed, not
              posted. Agents are read from --agents (default: the agents/ folder beside the workflow);
              model profiles and secrets from appsettings.json and ChatFlows__… environment variables.
              Approvals are answered by --approve or --reject as --as (default: the first approver),
              or at the prompt on a terminal. Sub-workflows are read from the workflow's folder.
          chatflows validate <file> [<file> ...]
              Lists every problem in each workflow file, with its path.
          chatflows test <file> [<file> ...] [--agents <file or folder>]
              Runs the workflows' own tests offline, with mocked nodes: a workflow file's "tests" and
              those of <name>.tests.json beside it, or a .tests.json file ({"workflow": "<file>",
              "tests": [...]}; without "workflow", the <name>.json beside it). One line per test, each
              mismatch below it. Nothing is posted or sent. Agent nodes must name agents in --agents
              (default: the agents/ folder beside the workflow, when there is one).

        run, validate and test never open the database: they read workflow files and keep runs in
        memory, so they work the same whichever storage (SQLite or PostgreSQL) is configured.

        Exit codes: 0 succeeded / valid / tests passed, 1 run failed, problems found or a test failed,
        2 bad usage or unreadable file,
        3 run is waiting on a person (an approval).

        """;
}
