using System.ComponentModel;
using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Nodes;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Sql;

/// <summary>
/// The agent tool <c>sql_query</c> (README §tool/sql): runs one query on a database connection the agent lists in
/// its <c>connections</c>, always read-only (a read-only transaction on PostgreSQL, a read-only open with
/// <c>query_only</c> on SQLite) even when the connection itself is writable, and hands back at most
/// <see cref="MaxRows"/> rows.
/// </summary>
public static class SqlQueryTool
{
    /// <summary>The tool's name.</summary>
    public const string Name = "sql_query";

    /// <summary>Most rows handed to the model.</summary>
    public const int MaxRows = 200;

    /// <summary>Adds <c>sql_query</c> to <paramref name="catalog"/>, running on <paramref name="databases"/>.</summary>
    public static AgentToolCatalog AddSqlQuery(this AgentToolCatalog catalog, ConnectionRegistry connections, SqlDatabases databases) => catalog.Add(
        Name,
        "Runs a read-only SQL query on a database connection.",
        () => KernelFunctionFactory.CreateFromMethod(
            async (
                Kernel kernel,
                [Description("The name of the database connection, one of the agent's connections.")] string connection,
                [Description("One SQL query; pass values as @name parameters instead of writing them into the text.")] string query,
                [Description("Values of the query's @name parameters, as a JSON object such as {\"id\": 7}.")] JsonElement? parameters = null,
                CancellationToken ct = default) =>
            {
                var run = AgentToolContext.From(kernel);
                var found = run.UseConnection(connections, connection, ConnectionTypes.Database);
                SqlNode.RedactPassword(found, run.Node.Scope);
                var values = parameters is { ValueKind: JsonValueKind.Object } given
                    ? given.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone())).ToArray()
                    : [];
                var statement = new SqlStatement(query, values, SqlMode.Rows)
                {
                    MaxRows = MaxRows,
                    ForceReadOnly = true,
                    TimeoutHint = "narrow the query",
                };
                try
                {
                    var result = await databases.RunAsync(found, statement, run.Node.Time, ct);
                    return new { rows = result.Rows, truncated = result.Truncated };
                }
                catch (NodeException ex)
                {
                    throw new InvalidOperationException(ex.Message, ex);
                }
            },
            functionName: Name,
            description: $"Runs one read-only SQL query (writes are refused) and returns {{rows, truncated}}; at most {MaxRows} rows, truncated is true when there were more."));
}
