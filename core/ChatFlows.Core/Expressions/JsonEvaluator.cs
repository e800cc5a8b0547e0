using System.Globalization;
using Acornima;
using Acornima.Ast;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// Evaluates the common shape of condition (<c>data.set.total &gt; 100</c>) straight over the run's JSON, with
/// JavaScript's semantics, so such a condition needs no engine. It reads only <c>trigger</c>, <c>run</c> and
/// <c>data</c>, calls nothing and allocates no more than a string it reads, so it has no globals to leak and no limit
/// to enforce. Whatever JavaScript would answer with an error, or through a prototype, is left to the engine
/// (<see cref="Value.NeedsEngine"/>), so the user sees exactly the engine's answer and message.
/// </summary>
internal static partial class JsonEvaluator
{
    // Deeper expressions go to the engine, whose stack guard is made for them.
    private const int MaxDepth = 64;

    // Names every JSON object inherits from Object.prototype: reading one that the object lacks gives a function.
    private static readonly HashSet<string> InheritedNames =
    [
        "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString",
        "valueOf", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    ];

    /// <summary>Whether every node of <paramref name="expression"/> is one this evaluator knows.</summary>
    public static bool Handles(Expression expression, int depth = 0) => depth <= MaxDepth && expression switch
    {
        // Strict mode refuses legacy octal ("010", "\07"), which a sloppy parse accepts: those go to the engine.
        NumericLiteral number => !(number.Raw.Length > 1 && number.Raw[0] == '0' && char.IsAsciiDigit(number.Raw[1])),
        StringLiteral text => !HasDigitEscape(text.Raw),
        BooleanLiteral or NullLiteral => true,
        // undefined is a read-only global, so the name always means the value.
        Identifier { Name: "trigger" or "run" or "data" or "undefined" } => true,
        MemberExpression { Optional: false, Computed: false, Property: Identifier } member => Handles(member.Object, depth + 1),
        MemberExpression { Optional: false, Computed: true, Property: NumericLiteral or StringLiteral } member =>
            Handles(member.Object, depth + 1) && Handles(member.Property, depth + 1),
        UnaryExpression { Operator: Operator.LogicalNot or Operator.UnaryNegation or Operator.UnaryPlus or Operator.TypeOf } unary =>
            Handles(unary.Argument, depth + 1),
        LogicalExpression { Operator: Operator.LogicalAnd or Operator.LogicalOr or Operator.NullishCoalescing } logical =>
            Handles(logical.Left, depth + 1) && Handles(logical.Right, depth + 1),
        NonLogicalBinaryExpression
        {
            Operator: Operator.StrictEquality or Operator.StrictInequality or Operator.Equality or Operator.Inequality
            or Operator.LessThan or Operator.LessThanOrEqual or Operator.GreaterThan or Operator.GreaterThanOrEqual,
        } binary => Handles(binary.Left, depth + 1) && Handles(binary.Right, depth + 1),
        ConditionalExpression conditional =>
            Handles(conditional.Test, depth + 1) && Handles(conditional.Consequent, depth + 1) && Handles(conditional.Alternate, depth + 1),
        _ => false,
    };

    /// <summary>Evaluates an expression <see cref="Handles"/> accepted.</summary>
    public static Value Evaluate(Expression expression, RunScope scope)
    {
        switch (expression)
        {
            case NumericLiteral number: return Value.Number(number.Value);
            case StringLiteral text: return Value.String(text.Value);
            case BooleanLiteral boolean: return Value.Boolean(boolean.Value);
            case NullLiteral: return Value.Null;
            case Identifier { Name: "data" }: return Value.Data;
            case Identifier { Name: "trigger" }: return Value.FromJson(scope.Trigger);
            case Identifier { Name: "run" }: return Value.FromJson(scope.Run);
            case Identifier { Name: "undefined" }: return Value.Undefined;
            case MemberExpression member:
                var target = Evaluate(member.Object, scope);
                if (target.NeedsEngine) return target;
                var key = member.Property switch
                {
                    Identifier name => name.Name,
                    StringLiteral text => text.Value,
                    NumericLiteral number => JsNumbers.ToString(number.Value),
                    _ => null,
                };
                return key is null ? Value.Engine : Member(target, key, scope);
            case UnaryExpression unary:
                var argument = Evaluate(unary.Argument, scope);
                if (argument.NeedsEngine) return argument;
                if (unary.Operator == Operator.LogicalNot) return Value.Boolean(!argument.IsTruthy);
                if (unary.Operator == Operator.TypeOf) return Value.String(argument.TypeOf);
                if (!argument.TryToNumber(out var operand)) return Value.Engine;
                return Value.Number(unary.Operator == Operator.UnaryNegation ? -operand : operand);
            case LogicalExpression logical:
                var left = Evaluate(logical.Left, scope);
                if (left.NeedsEngine) return left;
                var takeLeft = logical.Operator switch
                {
                    Operator.LogicalAnd => !left.IsTruthy,
                    Operator.LogicalOr => left.IsTruthy,
                    _ => left.Kind is not (ValueKind.Null or ValueKind.Undefined),
                };
                return takeLeft ? left : Evaluate(logical.Right, scope);
            case NonLogicalBinaryExpression binary:
                var a = Evaluate(binary.Left, scope);
                if (a.NeedsEngine) return a;
                var b = Evaluate(binary.Right, scope);
                if (b.NeedsEngine) return b;
                var answer = binary.Operator switch
                {
                    Operator.StrictEquality => StrictEquals(a, b),
                    Operator.StrictInequality => Not(StrictEquals(a, b)),
                    Operator.Equality => LooseEquals(a, b),
                    Operator.Inequality => Not(LooseEquals(a, b)),
                    Operator.LessThan => LessThan(a, b, orEqual: false),
                    Operator.GreaterThan => LessThan(b, a, orEqual: false),
                    Operator.LessThanOrEqual => LessThan(a, b, orEqual: true),
                    Operator.GreaterThanOrEqual => LessThan(b, a, orEqual: true),
                    _ => null,
                };
                return answer is { } truth ? Value.Boolean(truth) : Value.Engine;
            case ConditionalExpression conditional:
                var test = Evaluate(conditional.Test, scope);
                if (test.NeedsEngine) return test;
                return Evaluate(test.IsTruthy ? conditional.Consequent : conditional.Alternate, scope);
            default:
                return Value.Engine;
        }
    }

    private static bool HasDigitEscape(string raw)
    {
        for (var i = raw.IndexOf('\\', StringComparison.Ordinal); i >= 0 && i + 1 < raw.Length; i = raw.IndexOf('\\', i + 2))
            if (char.IsAsciiDigit(raw[i + 1])) return true;
        return false;
    }

    private static bool? Not(bool? value) => value is { } truth ? !truth : null;

    private static Value Member(Value target, string key, RunScope scope)
    {
        switch (target.Kind)
        {
            case ValueKind.Data:
                if (key == "__proto__") return Value.Engine;
                if (scope.TryGetData(key, out var output)) return Value.FromJson(output);
                return InheritedNames.Contains(key) ? Value.Engine : Value.Undefined;
            case ValueKind.Object:
                if (key == "__proto__") return Value.Engine;
                if (target.Json.TryGetProperty(key, out var property)) return Value.FromJson(property);
                return InheritedNames.Contains(key) ? Value.Engine : Value.Undefined;
            case ValueKind.Array:
                if (key == "length") return Value.Number(target.Json.GetArrayLength());
                if (!TryIndex(key, out var index)) return Value.Engine;
                return index < target.Json.GetArrayLength() ? Value.FromJson(target.Json[index]) : Value.Undefined;
            case ValueKind.String:
                var text = target.Text!;
                if (key == "length") return Value.Number(text.Length);
                if (!TryIndex(key, out var at)) return Value.Engine;
                return at < text.Length ? Value.String(text[at].ToString()) : Value.Undefined;
            default:
                // Reading from null or undefined is an error, and numbers and booleans have only prototype members.
                return Value.Engine;
        }
    }

    // A canonical array index small enough to be an int; anything else ("01", "1.5", "length2") goes to the engine.
    private static bool TryIndex(string key, out int index)
    {
        index = 0;
        if (key.Length is 0 or > 9 || (key.Length > 1 && key[0] == '0')) return false;
        return key.All(char.IsAsciiDigit) && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static bool? StrictEquals(Value a, Value b)
    {
        // Objects are equal only to themselves; identity belongs to the engine's objects, not to JSON.
        if (a.IsObjectLike || b.IsObjectLike) return null;
        if (a.Kind != b.Kind) return false;
        return a.Kind switch
        {
            ValueKind.Number or ValueKind.Boolean => a.Numeric == b.Numeric,
            ValueKind.String => string.Equals(a.Text, b.Text, StringComparison.Ordinal),
            _ => true,
        };
    }

    // IsLooselyEqual (ECMAScript §7.2.14) for primitives; objects would need ToPrimitive, which the engine does.
    private static bool? LooseEquals(Value a, Value b)
    {
        if (a.IsObjectLike || b.IsObjectLike) return null;
        if (a.Kind == b.Kind) return StrictEquals(a, b);
        var aNullish = a.Kind is ValueKind.Null or ValueKind.Undefined;
        var bNullish = b.Kind is ValueKind.Null or ValueKind.Undefined;
        if (aNullish || bNullish) return aNullish && bNullish;
        // What remains mixes numbers, strings and booleans, which all compare as numbers.
        if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y)) return null;
        return x == y;
    }

    // IsLessThan (ECMAScript §7.2.13): two strings compare by UTF-16 code units, anything else as numbers, and NaN
    // makes every comparison false; "a <= b" is "not b < a" except that NaN stays false.
    private static bool? LessThan(Value a, Value b, bool orEqual)
    {
        if (a.IsObjectLike || b.IsObjectLike) return null;
        if (a.Kind == ValueKind.String && b.Kind == ValueKind.String)
        {
            var order = string.CompareOrdinal(a.Text, b.Text);
            return orEqual ? order <= 0 : order < 0;
        }
        if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y)) return null;
        return orEqual ? x <= y : x < y;
    }
}
