namespace ChatFlows.Core.Nodes;

/// <summary>The input types of a <see cref="NodeField"/>.</summary>
public static class NodeFieldTypes
{
    /// <summary>One line of text.</summary>
    public const string Text = "text";

    /// <summary>Several lines of text.</summary>
    public const string Textarea = "textarea";

    /// <summary>A number.</summary>
    public const string Number = "number";

    /// <summary>true, or left out.</summary>
    public const string Bool = "bool";

    /// <summary>One of <see cref="NodeField.Options"/>.</summary>
    public const string Select = "select";

    /// <summary>An array of strings, one a line.</summary>
    public const string List = "list";

    /// <summary>Any JSON value.</summary>
    public const string Json = "json";

    /// <summary>An object of names and string values, edited as key/value rows (headers, query).</summary>
    public const string Map = "map";

    /// <summary>The name of a connection of <see cref="NodeField.ConnectionType"/>.</summary>
    public const string Connection = "connection";

    /// <summary>The id of an agent.</summary>
    public const string Agent = "agent";

    /// <summary>Every type.</summary>
    public static IReadOnlyList<string> All { get; } = [Text, Textarea, Number, Bool, Select, List, Json, Map, Connection, Agent];
}
