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
    private static readonly Parser ExpressionParser = new(new ParserOptions { EcmaVersion = EcmaVersion.Latest });

    private readonly Prepared<Script> _script;

    private Condition(string source, string label, Prepared<Script> script)
    {
        Source = source;
        Label = label;
        _script = script;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>Where the expression comes from; used in error messages.</summary>
    public string Label { get; }

    /// <summary>Parses an expression; anything but a single expression is refused with its position.</summary>
    public static Condition Parse(string source, string label)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ExpressionException($"{label}: the expression is empty.");
        try
        {
            // ParseExpression refuses statements, so "a; while(true){}" never reaches the engine.
            ExpressionParser.ParseExpression(source);
            return new Condition(source, label, Engine.PrepareScript(source));
        }
        catch (ParseErrorException ex)
        {
            throw new ExpressionException($"{label}: expression does not parse: line {ex.LineNumber}, column {ex.Column}: {ex.Description}", ex);
        }
    }

    /// <summary>Evaluates the expression and returns its JavaScript truthiness.</summary>
    public bool IsTrue(RunScope scope) => TypeConverter.ToBoolean(Evaluate(scope, out _));

    /// <summary>Evaluates the expression to a JSON value.</summary>
    public JsonElement EvaluateToJson(RunScope scope)
    {
        var value = Evaluate(scope, out var engine);
        if (value.IsUndefined()) return JsonSerializer.SerializeToElement<object?>(null);
        var text = new Jint.Native.Json.JsonSerializer(engine).Serialize(value).ToString();
        return JsonElement.Parse(text == "undefined" ? "null" : text);
    }

    private JsValue Evaluate(RunScope scope, out Engine engine)
    {
        engine = new Engine(options => options
            .Strict()
            .DisableStringCompilation()
            .TimeoutInterval(TimeSpan.FromMilliseconds(500))
            .MaxStatements(100_000)
            .LimitMemory(16_000_000)
            .LimitRecursion(64));
        try
        {
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
            throw new ExpressionException($"{Label}: line {ex.Location.Start.Line}, column {ex.Location.Start.Column + 1}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is TimeoutException or StatementsCountOverflowException or MemoryLimitExceededException or RecursionDepthOverflowException)
        {
            throw new ExpressionException($"{Label}: the expression was stopped: {ex.Message}", ex);
        }
    }
}
