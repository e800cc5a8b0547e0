using System.Text.Json;

namespace ChatFlows.Core.Sql;

/// <summary>One query to run on a database connection, with its parameters already rendered.</summary>
/// <param name="Query">The SQL text, never templated; values are bound as <c>@name</c> parameters.</param>
/// <param name="Parameters">Values by name; JSON numbers, strings, booleans and null keep their type, objects and arrays go as JSON text.</param>
/// <param name="Mode">Rows, one row, or a statement that changes data.</param>
public sealed record SqlStatement(string Query, IReadOnlyList<KeyValuePair<string, JsonElement>> Parameters, SqlMode Mode)
{
    /// <summary>The most rows read; one more row is read to tell whether the result was cut.</summary>
    public int MaxRows { get; init; } = SqlDatabases.DefaultMaxRows;

    /// <summary>How long the statement may take before it is cancelled on the server.</summary>
    public TimeSpan Timeout { get; init; } = SqlDatabases.DefaultTimeout;

    /// <summary>Runs read-only even on a writable connection (the agent tool <c>sql_query</c>).</summary>
    public bool ForceReadOnly { get; init; }

    /// <summary>Names the field or tool to raise the timeout in, for the message when it runs out.</summary>
    public string TimeoutHint { get; init; } = "raise the node's timeout";
}
