using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Connections;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Github;
using ChatFlows.Core.Http;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Sql;

namespace ChatFlows.Bot.Cli;

/// <summary>
/// <c>chatflows run &lt;file-or-id&gt;</c>: runs a workflow to the end in memory, printing each node live. Messages are
/// printed instead of posted; agents come from JSON files; approvals are answered with --approve or --reject, or
/// at the prompt; sub-workflows are read from the workflow's folder and run in place. Settings (model profiles,
/// secrets, HTTP) come from appsettings.json and the environment, as for the host.
/// </summary>
internal static class RunCommand
{
    /// <summary>The thread CLI runs report to, so that messages without a channel are printed too.</summary>
    public const string Thread = "playground:cli";

    public static async Task<int> ExecuteAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var target, out var request, out var options, out var usageError))
        {
            await stderr.WriteLineAsync($"chatflows run: {usageError}");
            return CommandLine.Usage;
        }

        WorkflowDocument document;
        string path;
        try
        {
            path = WorkflowFiles.Resolve(target);
            document = WorkflowFiles.Read(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or WorkflowFormatException)
        {
            await stderr.WriteLineAsync($"chatflows run: {(ex is WorkflowFormatException ? target + ": " : "")}{ex.Message}");
            return CommandLine.Usage;
        }

        AgentFiles agents;
        try
        {
            agents = new AgentFiles(options.Agents ?? DefaultAgentsFolder(path));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"chatflows run: {ex.Message}");
            return CommandLine.Usage;
        }
        var configuration = CliConfiguration.Build();
        var profiles = new ModelProfiles(configuration.GetSection(ModelProfiles.Section).Get<Dictionary<string, ModelProfile>>());
        if (profiles.Validate() is { Count: > 0 } badProfiles)
        {
            foreach (var problem in badProfiles) await stderr.WriteLineAsync($"chatflows run: {problem}");
            return CommandLine.Usage;
        }
        var http = configuration.GetSection(HttpToolOptions.SectionName).Get<HttpToolOptions>() ?? new HttpToolOptions();
        using var httpClient = new GuardedHttpClient(http, TimeProvider.System);
        var connections = new ConnectionRegistry(ConfiguredConnections.Read(configuration));
        await using var databases = new SqlDatabases();
        var github = new GithubApi();
        using var agentRunner = new AgentRunner(
            profiles, new AgentToolCatalog(TimeProvider.System).AddHttpGet(httpClient).AddSqlQuery(connections, databases).AddGithub(connections, github).AddSendEmail(connections),
            TimeProvider.System);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var subworkflows = new InlineSubworkflows(id => WorkflowFiles.FindById(id, folder));
        var registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions
        {
            Agents = agents,
            Http = http,
            AgentRunner = agentRunner,
            Chat = new ChatChannels([], new ConsoleChatChannel(stdout)),
            Connections = connections,
            Databases = databases,
            Github = github,
            Subworkflows = subworkflows,
        });
        var secrets = new SecretVault(null, configuration.GetSection("ChatFlows:Secrets").GetChildren().Where(c => c.Value is not null).Select(c => new KeyValuePair<string, string>(c.Key, c.Value!)));
        var engine = new WorkflowEngine(registry, new InMemoryRunStore(), TimeProvider.System, secrets: secrets);
        subworkflows.Engine = engine;
        request = request with { RunId = WorkflowEngine.NewRunId(), StartedBy = "cli", Thread = Thread };
        // Checked as every start is (RunStarter): the document validates, the trigger exists, the payload fits.
        var prepared = RunStarter.Prepare(document, engine.Compile);
        if (prepared.Plan is not { } plan)
        {
            await stderr.WriteLineAsync($"chatflows run: {path} is not valid ({prepared.Problems.Count} problem{(prepared.Problems.Count == 1 ? "" : "s")}):");
            foreach (var problem in prepared.Problems) await stderr.WriteLineAsync($"  {problem.Path}: {problem.Message}");
            return CommandLine.Usage;
        }
        if (RunStarter.Admit(plan, request, out request) is { Count: > 0 } refused)
        {
            // An argument that does not fit the input schema is named (service: required); other problems are sentences.
            foreach (var problem in refused) await stderr.WriteLineAsync($"chatflows run: {(problem.Kind == StartProblemKind.InvalidInput ? problem.ToString() : problem.Message)}");
            return CommandLine.Usage;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var progress = new ConsoleProgress(stdout, plan);
        var approvals = new CliApprovals(options, stdout, Console.IsInputRedirected ? null : Console.In, TimeProvider.System);
        using var subscription = engine.Events.Subscribe(request.RunId);
        var printing = progress.PrintAsync(subscription.Reader);
        RunState run;
        try
        {
            progress.Header(document, request.RunId!);
            run = await engine.RunToEndAsync(plan, request, cancel.Token, approvals.AskAsync);
        }
        finally
        {
            subscription.Dispose();
            await printing;
        }
        progress.Summary(run);
        return run.Status switch
        {
            RunStatus.Succeeded => CommandLine.Success,
            RunStatus.Waiting => CommandLine.Waiting,
            _ => CommandLine.Failed,
        };
    }

    internal static bool TryParse(string[] args, out string target, out RunRequest request, out RunOptions options, out string error)
    {
        target = "";
        request = new RunRequest();
        options = new RunOptions();
        error = "";
        JsonObject? input = null;
        var pairs = new JsonObject();
        string? trigger = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--approve" or "--reject")
            {
                if (options.Decision is not null && options.Decision != (arg == "--approve"))
                {
                    error = "use either --approve or --reject, not both.";
                    return false;
                }
                options = options with { Decision = arg == "--approve" };
                continue;
            }
            if (arg is "--agents" or "--as" or "--comment")
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value.";
                    return false;
                }
                var text = args[++i];
                options = arg switch
                {
                    "--agents" => options with { Agents = text },
                    "--as" => options with { As = text },
                    _ => options with { Comment = text },
                };
                continue;
            }
            if (arg is "--input" or "--trigger")
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value.";
                    return false;
                }
                var value = args[++i];
                if (arg == "--trigger")
                {
                    trigger = value;
                    continue;
                }
                try
                {
                    input = JsonNode.Parse(value) as JsonObject;
                }
                catch (JsonException ex)
                {
                    // JsonNode.Parse ends its message with "LineNumber: 0 | BytePositionInLine: n", not " Path:"; say it plainly.
                    var reason = ex.Message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0];
                    error = $"--input is not valid JSON at column {(ex.BytePositionInLine ?? 0) + 1}: {reason}";
                    return false;
                }
                if (input is null)
                {
                    error = "--input must be a JSON object, like --input '{\"service\": \"api\"}'.";
                    return false;
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unknown option '{arg}'. Options: --input '<json>', --trigger <node id>, --agents <file or folder>, --approve, --reject, --as <approver>, --comment <text>.";
                return false;
            }
            else if (target.Length == 0)
            {
                target = arg;
            }
            else if (arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                pairs[arg[..eq]] = arg[(eq + 1)..];
            }
            else
            {
                error = $"'{arg}' is not a key=value pair.";
                return false;
            }
        }
        if (target.Length == 0)
        {
            error = "give a workflow file or id, e.g. chatflows run samples/hello.json name=Ada";
            return false;
        }
        if (input is not null && pairs.Count > 0)
        {
            error = "use either --input '<json>' or key=value pairs, not both.";
            return false;
        }
        // key=value pairs take the shape a chat command gives, so a workflow behaves the same from /run and the CLI.
        var payload = input ?? new JsonObject
        {
            ["args"] = pairs,
            ["text"] = string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")),
            ["user"] = "cli",
        };
        request = new RunRequest { Trigger = JsonSerializer.SerializeToElement(payload), TriggerNodeId = trigger };
        return true;
    }

    // Agents sit beside the workflows they serve: samples/agents for samples/*.json.
    private static string? DefaultAgentsFolder(string workflowPath)
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(workflowPath))!, "agents");
        return Directory.Exists(folder) ? folder : null;
    }
}
