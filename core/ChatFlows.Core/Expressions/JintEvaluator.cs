using System.Runtime.CompilerServices;
using System.Text.Json;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// Runs a condition in Jint, sandboxed: no .NET access, no string compilation, bounded time, statements, memory and
/// recursion, and a fresh engine per evaluation so that one run cannot leak globals into another. Every reference
/// to Jint lives here, so that a host whose conditions all take <see cref="JsonEvaluator"/> never loads the engine.
/// </summary>
internal sealed class JintEvaluator
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

    // A class, not the Prepared<Script> struct itself: a struct field would make the runtime load Jint to lay this
    // type out as soon as Condition's methods mention it.
    private readonly PreparedScript _script;

    private readonly string _label;

    private readonly SandboxOptions _limits;

    private JintEvaluator(PreparedScript script, string label, SandboxOptions limits)
    {
        _script = script;
        _label = label;
        _limits = limits;
    }

    /// <summary>Prepares the script; throws <see cref="ExpressionException"/> when what would run is more than one expression.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static JintEvaluator Prepare(string source, string label, SandboxOptions limits)
    {
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
        return new JintEvaluator(new PreparedScript(script), label, limits);
    }

    /// <summary>Evaluates the expression and returns its JavaScript truthiness.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool IsTrue(RunScope scope, CancellationToken ct) => TypeConverter.ToBoolean(Evaluate(scope, ct, out _));

    /// <summary>Evaluates the expression to a JSON value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public JsonElement EvaluateToJson(RunScope scope, CancellationToken ct)
    {
        var value = Evaluate(scope, ct, out var engine);
        if (value.IsUndefined()) return JsonSerializer.SerializeToElement<object?>(null);
        var text = new Jint.Native.Json.JsonSerializer(engine).Serialize(value).ToString();
        return JsonElement.Parse(text == "undefined" ? "null" : text);
    }

    private JsValue Evaluate(RunScope scope, CancellationToken ct, out Engine engine)
    {
        var limits = _limits;
        var label = _label;
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
            var data = new JsObject(engine);
            foreach (var (key, value) in scope.Data) data.Set(key, json.Parse(value.GetRawText()));
            engine.SetValue("data", data);
            return engine.Evaluate(_script.Script);
        }
        catch (JavaScriptException ex)
        {
            var removed = RemovedGlobals.FirstOrDefault(name => ex.Message == $"{name} is not defined");
            var why = removed is null ? "" : $" ({removed} is not available in conditions)";
            throw new ExpressionException($"{label}: line {ex.Location.Start.Line}, column {ex.Location.Start.Column + 1}: {ex.Message}{why}", ex);
        }
        catch (SandboxLimitException ex)
        {
            throw new ExpressionException($"{label}: the expression was stopped: {ex.Message}", ex);
        }
        catch (TimeoutException ex)
        {
            throw new ExpressionException($"{label}: the expression was stopped: it ran longer than {limits.ConditionTimeout.TotalMilliseconds:0} ms (ChatFlows:Sandbox:ConditionTimeout).", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw new ExpressionException($"{label}: the expression was stopped: it ran more than {limits.ConditionMaxStatements:N0} statements (ChatFlows:Sandbox:ConditionMaxStatements).", ex);
        }
        catch (MemoryLimitExceededException ex) when (ex.Message.StartsWith("The array size", StringComparison.Ordinal))
        {
            throw new ExpressionException($"{label}: the expression was stopped: {ex.Message} (ChatFlows:Sandbox:ConditionMaxArrayLength).", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw new ExpressionException($"{label}: the expression was stopped: it allocated more than {limits.ConditionMaxMemoryBytes:N0} bytes (ChatFlows:Sandbox:ConditionMaxMemoryBytes).", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw new ExpressionException($"{label}: the expression was stopped: calls nest deeper than {limits.ConditionMaxRecursion} (ChatFlows:Sandbox:ConditionMaxRecursion).", ex);
        }
        catch (ExecutionCanceledException ex)
        {
            throw new OperationCanceledException($"{label}: the expression was cancelled.", ex, ct);
        }
    }

    private sealed class PreparedScript(Prepared<Script> script)
    {
        public Prepared<Script> Script { get; } = script;
    }
}
