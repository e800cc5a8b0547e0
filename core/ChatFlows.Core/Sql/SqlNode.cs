using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Sql;

/// <summary>
/// <c>tool/sql</c> (README §tool/sql): runs one SQL statement on a database connection. The query text is never
/// templated; values reach it only as <c>@name</c> parameters, whose templates keep their JSON type. <c>rows</c>
/// outputs the rows, <c>one</c> the single row (or null), <c>execute</c> <c>{affected}</c>, recorded as a node effect
/// so that running the node again after a crash does not run the statement twice.
/// </summary>
public sealed partial class SqlNode : INodeHandler
{
    /// <summary>The effect under which an executed statement's output is recorded.</summary>
    public const string ExecutedEffect = "executed";

    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);

    private readonly Settings _settings;
    private readonly BuiltInNodeOptions _options;

    private SqlNode(Settings settings, BuiltInNodeOptions options)
    {
        _settings = settings;
        _options = options;
    }

    /// <summary>Registers the kind; its nodes run on <c>options.Databases</c> with connections from <c>options.Connections</c>.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "sql", setup => Setup(setup, options))
        {
            SideEffect = "runs SQL on a database",
            Label = "SQL query",
            Description = "Runs a SQL query on a database connection.",
            Config = new() { ["connection"] = "", ["query"] = "", ["mode"] = "rows" },
            Fields =
            [
                new("connection", "Connection", NodeFieldTypes.Connection) { ConnectionType = ConnectionTypes.Database, Required = true },
                new("query", "Query", NodeFieldTypes.Textarea) { Required = true, Hint = "Never templated; use @name for values, like select * from orders where id = @id." },
                new("parameters", "Parameters", NodeFieldTypes.Json)
                {
                    Template = true,
                    Hint = "An object of the query's @names and their values; values are templates, like {\"id\": \"{{ trigger.id }}\"}.",
                },
                new("mode", "Mode", NodeFieldTypes.Select) { Options = ["rows", "one", "execute"], Hint = "rows: every row; one: the single row or null; execute: {affected}, run once per run." },
                new("maxRows", "Max rows", NodeFieldTypes.Number) { Hint = "1 to 10000 (default 1000); more rows fail the node." },
                new("timeout", "Timeout") { Hint = "ISO-8601 duration, like PT30S (the default)." },
            ],
        });

    private static SqlNode? Setup(NodeSetup setup, BuiltInNodeOptions options)
    {
        var connection = setup.Connection("connection", ConnectionTypes.Database);
        var query = setup.String("query", required: true);
        if (query is not null && (query.Contains("{{", StringComparison.Ordinal) || query.Contains("{%", StringComparison.Ordinal)))
        {
            setup.Problem("query", "The query is never templated; use parameters: @name in the query and parameters.name = \"{{ … }}\".");
        }
        var mode = ReadMode(setup);
        var parameters = ReadParameters(setup, query);
        var maxRows = setup.Integer("maxRows", 1, SqlDatabases.MaxRowsLimit);
        var timeout = setup.Duration("timeout");
        if (mode == SqlMode.Execute && connection is not null && options.Connections?.Find(setup.Workspace, connection) is { Type: ConnectionTypes.Database } found && SqlDatabases.IsReadOnly(found))
        {
            setup.Problem("mode", $"Connection '{connection}' is read-only, so a statement in mode execute would be refused; use a connection without ReadOnly.");
        }
        if (setup.HasProblems) return null;
        return new SqlNode(new Settings(setup.Path, connection!, query!, mode!.Value, parameters)
        {
            MaxRows = maxRows ?? SqlDatabases.DefaultMaxRows,
            Timeout = timeout ?? SqlDatabases.DefaultTimeout,
        }, options);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var execute = _settings.Mode == SqlMode.Execute;
        if (execute && await context.Effects.FindAsync(ExecutedEffect, ct) is { } recorded) return NodeResult.Success(recorded);

        var registry = _options.Connections
            ?? throw new NodeException($"Connections are not available here, so {_settings.Path} cannot reach connection '{_settings.Connection}'.");
        var connection = registry.Use(_settings.Connection, ConnectionTypes.Database, context);
        RedactPassword(connection, context.Scope);
        var statement = new SqlStatement(_settings.Query, await RenderParametersAsync(context.Scope), _settings.Mode)
        {
            MaxRows = _settings.MaxRows,
            Timeout = _settings.Timeout,
            TimeoutHint = $"raise {_settings.Path}/config/timeout",
        };
        var result = await _options.Databases.RunAsync(connection, statement, context.Time, ct);

        JsonElement output;
        switch (_settings.Mode)
        {
            case SqlMode.Execute:
                output = JsonSerializer.SerializeToElement(new { affected = result.Affected });
                await context.Effects.RecordAsync(ExecutedEffect, output, ct);
                break;
            case SqlMode.One when result.Truncated:
                throw new NodeException(
                    $"The query on connection '{_settings.Connection}' returned more than one row, and mode one expects at most one; narrow the WHERE clause, add LIMIT 1, or use mode rows.");
            case SqlMode.One:
                output = result.Rows.GetArrayLength() == 0 ? Null : result.Rows[0];
                break;
            default:
                if (result.Truncated)
                {
                    throw new NodeException(
                        $"The query on connection '{_settings.Connection}' returned more than {_settings.MaxRows} rows; add a LIMIT to the query or raise {_settings.Path}/config/maxRows (at most {SqlDatabases.MaxRowsLimit}).");
                }
                output = result.Rows;
                break;
        }
        return NodeResult.Success(output);
    }

    /// <summary>
    /// The whole connection string is redacted by <see cref="ConnectionRegistry.Use"/>; its password alone is too, in
    /// case a provider's message quotes it without the rest.
    /// </summary>
    internal static void RedactPassword(Connection connection, RunScope scope)
    {
        if (connection.Setting("ConnectionString") is not { } text) return;
        try
        {
            var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = text };
            foreach (var key in new[] { "Password", "Pwd" })
            {
                if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } password) scope.Redacts($"{connection.Name}.{key}", password);
            }
        }
        catch (ArgumentException)
        {
            // A malformed connection string fails when the provider parses it, with a message that leaves it out.
        }
    }

    private async ValueTask<IReadOnlyList<KeyValuePair<string, JsonElement>>> RenderParametersAsync(RunScope scope)
    {
        if (_settings.Parameters is not { } template) return [];
        var rendered = await template.EvaluateAsync(scope);
        return rendered.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone())).ToArray();
    }

    private static SqlMode? ReadMode(NodeSetup setup)
    {
        var text = setup.String("mode");
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "rows":
                return SqlMode.Rows;
            case "one":
                return SqlMode.One;
            case "execute":
                return SqlMode.Execute;
            default:
                setup.Problem("mode", $"'{text}' is not a mode; use rows (every row), one (a single row or null) or execute (a statement that changes data).");
                return null;
        }
    }

    private static JsonTemplate? ReadParameters(NodeSetup setup, string? query)
    {
        switch (setup.Node.Config["parameters"])
        {
            case null:
                return null;
            case JsonObject pairs:
                foreach (var (name, _) in pairs)
                {
                    if (!ParameterName().IsMatch(name))
                    {
                        setup.Problem($"parameters/{name}", $"'{name}' is not a parameter name; use letters, digits and '_', starting with a letter or '_'.");
                    }
                    else if (query is not null && !Regex.IsMatch(query, $"@{name}(?![A-Za-z0-9_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                    {
                        setup.Problem($"parameters/{name}", $"Parameter '{name}' is not used in the query; refer to it as @{name}, or remove it.");
                    }
                }
                return setup.JsonTemplate("parameters");
            default:
                setup.Problem("parameters", "parameters must be an object of names and values, like {\"id\": \"{{ trigger.id }}\"}.");
                return null;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}\\z")]
    private static partial Regex ParameterName();

    /// <summary>The compiled config of one node.</summary>
    private sealed record Settings(string Path, string Connection, string Query, SqlMode Mode, JsonTemplate? Parameters)
    {
        public int MaxRows { get; init; }

        public TimeSpan Timeout { get; init; }
    }
}
