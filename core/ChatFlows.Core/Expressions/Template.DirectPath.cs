using System.Text.Json;
using Fluid.Ast;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// The direct path: a template that is one plain path such as <c>{{ trigger.orderId }}</c> or
/// <c>{{ data.set.total }}</c> is read straight from the run's JSON, with no Fluid context and no conversion of the
/// rest of the run. It gives what Fluid gives or steps aside: wherever it cannot be sure, Fluid evaluates.
/// </summary>
public sealed partial class Template
{
    /// <summary>
    /// The names of a single expression that is a plain path from <c>trigger</c>, <c>data</c> or <c>run</c>
    /// (identifiers only: no indexer, no filter, none of Fluid's own <c>size</c>, <c>first</c> and <c>last</c>), or null.
    /// </summary>
    private static string[]? DirectPathOf(Expression? expression)
    {
        if (expression is not MemberExpression { Segments: [IdentifierSegment { Identifier: "trigger" or "data" or "run" }, ..] segments }) return null;
        var path = new string[segments.Count];
        for (var i = 0; i < path.Length; i++)
        {
            // Fluid answers size, first and last itself, even on an object that has a member of that name.
            if (segments[i] is not IdentifierSegment { Identifier: not ("size" or "first" or "last") } segment) return null;
            path[i] = segment.Identifier;
        }
        // data alone is every node output at once, not one JSON value; Fluid builds it.
        return path is ["data"] ? null : path;
    }

    /// <summary>
    /// Reads the template's plain path from the scope's JSON; false where Fluid must decide: a template that is not a
    /// plain path, a member that is absent or whose parent is not an object, a trigger Fluid could fail to convert, or a
    /// value that does not come out of Fluid's conversion as written here.
    /// </summary>
    internal bool TryEvaluateDirectly(RunScope scope, out JsonElement value)
    {
        value = default;
        if (_directPath is not { } path) return false;
        // Fluid converts a trigger that is not an object whole before it reads anything, and fails on a number beyond
        // decimal anywhere in it; only an object (read member by member) or a plain value cannot fail that way.
        if (scope.Trigger.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)) return false;
        JsonElement current;
        var next = 1;
        switch (path[0])
        {
            case "trigger":
                current = scope.Trigger;
                break;
            case "run":
                // Fluid's run is an object whatever the scope holds (RunScope.Run is one by contract).
                current = scope.Run;
                if (current.ValueKind != JsonValueKind.Object) return false;
                break;
            default:
                if (!scope.TryGetData(path[1], out current)) return false;
                next = 2;
                break;
        }
        for (; next < path.Length; next++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[next], out current)) return false;
        }
        return JsonFluid.TryToJsonAsFluid(current, _limits.MaxStringLength, out value);
    }
}
