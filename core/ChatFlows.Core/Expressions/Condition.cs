using System.Text.Json;
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// A JavaScript expression (<c>data.items.length &gt; 0</c>) evaluated by Jint in a sandbox: no .NET access,
/// no string compilation, bounded time, statements, memory and recursion. Each evaluation gets a fresh engine so
/// one run cannot leak globals into another.
/// </summary>
public sealed class Condition
{
    // Globals a condition never needs and that escape the limits: Atomics.wait blocks its thread past every
    // timeout, typed arrays and buffers allocate their whole size in one call, and a ShadowRealm brings fresh
    // built-ins without the bounded ones below.
    private static readonly string[] RemovedGlobals =
    [
        "Atomics", "SharedArrayBuffer", "ArrayBuffer", "DataView", "ShadowRealm", "WeakRef", "FinalizationRegistry",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    ];

    private static readonly ParserOptions ExpressionParserOptions = new() { EcmaVersion = EcmaVersion.Latest };

    private readonly Prepared<Script> _script;

    private readonly SandboxOptions _limits;

    private Condition(string source, string label, Prepared<Script> script, SandboxOptions limits)
    {
        Source = source;
        Label = label;
        _script = script;
        _limits = limits;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>Where the expression comes from; used in error messages.</summary>
    public string Label { get; }

    /// <summary>Parses an expression; anything but a single expression is refused with its position.</summary>
    public static Condition Parse(string source, string label, SandboxOptions? limits = null)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ExpressionException($"{label}: the expression is empty.");
        try
        {
            // ParseExpression refuses statements, so "a; while(true){}" never reaches the engine.
            // A parser per call: Acornima's Parser keeps its state in fields, so a shared one garbles concurrent parses.
            new Parser(ExpressionParserOptions).ParseExpression(source);
            var script = Engine.PrepareScript(source);
            // The two parsers read some text differently ("{}/a//x" is a division to one, a block and a regex to the
            // other), which let "{}/a//2;while(1){}\n/1/g" smuggle a loop in; what runs must itself be one expression.
            if (script.Program is { Body: not [ExpressionStatement] } program)
            {
                var body = program.Body;
                var extra = body.Count > 1 && body[0] is ExpressionStatement ? body[1] : body.FirstOrDefault();
                var start = extra?.Location.Start ?? default;
                throw new ExpressionException($"{label}: expression does not parse: line {Math.Max(start.Line, 1)}, column {start.Column + 1}: only a single expression is allowed, not statements.");
            }
            return new Condition(source, label, script, limits ?? SandboxOptions.Default);
        }
        catch (ParseErrorException ex)
        {
            // Acornima counts columns from zero; runtime errors and templates report them from one.
            throw new ExpressionException($"{label}: expression does not parse: line {ex.LineNumber}, column {ex.Column + 1}: {ex.Description}", ex);
        }
    }

    /// <summary>Evaluates the expression and returns its JavaScript truthiness.</summary>
    public bool IsTrue(RunScope scope, CancellationToken ct = default) => TypeConverter.ToBoolean(Evaluate(scope, ct, out _));

    /// <summary>Evaluates the expression to a JSON value.</summary>
    public JsonElement EvaluateToJson(RunScope scope, CancellationToken ct = default)
    {
        var value = Evaluate(scope, ct, out var engine);
        if (value.IsUndefined()) return JsonSerializer.SerializeToElement<object?>(null);
        var text = new Jint.Native.Json.JsonSerializer(engine).Serialize(value).ToString();
        return JsonElement.Parse(text == "undefined" ? "null" : text);
    }

    private JsValue Evaluate(RunScope scope, CancellationToken ct, out Engine engine)
    {
        var limits = _limits;
        engine = new Engine(options =>
        {
            options
                .Strict()
                .DisableStringCompilation()
                .TimeoutInterval(limits.ConditionTimeout)
                .MaxStatements(limits.ConditionMaxStatements)
                .LimitMemory(limits.ConditionMaxMemoryBytes)
                .LimitRecursion(limits.ConditionMaxRecursion)
                .CancellationToken(ct);
            // Time and memory are checked between statements only, so a built-in filling a huge array inside one
            // expression ([...Array(1e9)]) ran for minutes; bounding array size stops it before it starts.
            options.Constraints.MaxArraySize = (uint)limits.ConditionMaxArrayLength;
            // LimitRecursion sees calls only; recursion through valueOf, toString or a Proxy trap overflowed the
            // native stack and killed the process.
            options.Constraints.StackOverflowGuard = true;
            // Jint's default lets one backtracking pattern run for ten seconds.
            options.Constraints.RegexTimeout = limits.ConditionTimeout;
        });
        try
        {
            foreach (var name in RemovedGlobals) engine.Global.Delete(name);
            BoundedBuiltIns.Install(engine, limits.MaxStringLength);
            var json = new JsonParser(engine);
            engine.SetValue("trigger", json.Parse(scope.Trigger.GetRawText()));
            engine.SetValue("run", json.Parse(scope.Run.GetRawText()));
            var data = new Jint.Native.JsObject(engine);
            foreach (var (key, value) in scope.Data) data.Set(key, json.Parse(value.GetRawText()));
            engine.SetValue("data", data);
            return engine.Evaluate(_script);
        }
        catch (JavaScriptException ex)
        {
            var removed = RemovedGlobals.FirstOrDefault(name => ex.Message == $"{name} is not defined");
            var why = removed is null ? "" : $" ({removed} is not available in conditions)";
            throw new ExpressionException($"{Label}: line {ex.Location.Start.Line}, column {ex.Location.Start.Column + 1}: {ex.Message}{why}", ex);
        }
        catch (SandboxLimitException ex)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: it ran longer than {limits.ConditionTimeout.TotalMilliseconds:0} ms (ChatFlows:Sandbox:ConditionTimeout).", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: it ran more than {limits.ConditionMaxStatements:N0} statements (ChatFlows:Sandbox:ConditionMaxStatements).", ex);
        }
        catch (MemoryLimitExceededException ex) when (ex.Message.StartsWith("The array size", StringComparison.Ordinal))
        {
            throw new ExpressionException($"{Label}: the expression was stopped: {ex.Message} (ChatFlows:Sandbox:ConditionMaxArrayLength).", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: it allocated more than {limits.ConditionMaxMemoryBytes:N0} bytes (ChatFlows:Sandbox:ConditionMaxMemoryBytes).", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: calls nest deeper than {limits.ConditionMaxRecursion} (ChatFlows:Sandbox:ConditionMaxRecursion).", ex);
        }
        catch (ExecutionCanceledException ex)
        {
            throw new OperationCanceledException($"{Label}: the expression was cancelled.", ex, ct);
        }
    }
}
