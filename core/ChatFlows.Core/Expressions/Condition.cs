using System.Runtime.CompilerServices;
using System.Text.Json;
using Acornima;
using Acornima.Ast;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// A JavaScript expression (<c>data.items.length &gt; 0</c>). Parse decides once which path runs it: the common shape
/// (literals, <c>trigger</c>/<c>run</c>/<c>data</c>/<c>undefined</c>, members, <c>! - + typeof</c>, comparisons, <c>&amp;&amp; || ??</c>,
/// <c>?:</c>) is evaluated by <see cref="JsonEvaluator"/> straight over the run's JSON, with JavaScript's semantics and
/// no engine, so it has no globals to leak; anything else runs in Jint's sandbox (<see cref="JintEvaluator"/>), with a
/// fresh engine per evaluation. An evaluation whose answer is an error also goes to Jint, so messages stay the engine's.
/// </summary>
public sealed class Condition
{
    private static readonly ParserOptions ExpressionParserOptions = new() { EcmaVersion = EcmaVersion.Latest };

    // Null when the expression needs the engine.
    private readonly Expression? _direct;

    private readonly SandboxOptions _limits;

    // Prepared at Parse for engine expressions, and on first need for direct ones, so that a host whose conditions
    // are all direct never loads Jint (README §Templates and expressions).
    private JintEvaluator? _engine;

    private Condition(string source, string label, Expression? direct, JintEvaluator? engine, SandboxOptions limits)
    {
        Source = source;
        Label = label;
        _direct = direct;
        _engine = engine;
        _limits = limits;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>Where the expression comes from; used in error messages.</summary>
    public string Label { get; }

    /// <summary>Whether evaluations read the JSON directly instead of starting the engine.</summary>
    internal bool IsDirect => _direct is not null;

    /// <summary>Parses an expression; anything but a single expression is refused with its position.</summary>
    public static Condition Parse(string source, string label, SandboxOptions? limits = null)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new ExpressionException($"{label}: the expression is empty.");
        limits ??= SandboxOptions.Default;
        try
        {
            // ParseExpression refuses statements, so "a; while(true){}" never reaches the engine.
            // A parser per call: Acornima's Parser keeps its state in fields, so a shared one garbles concurrent parses.
            var expression = new Parser(ExpressionParserOptions).ParseExpression(source);
            // The direct path evaluates this very tree, so no second parser can read the text another way.
            if (JsonEvaluator.Handles(expression)) return new Condition(source, label, expression, null, limits);
            return new Condition(source, label, null, JintEvaluator.Prepare(source, label, limits), limits);
        }
        catch (ParseErrorException ex)
        {
            throw ParseFailed(label, ex);
        }
    }

    /// <summary>Evaluates the expression and returns its JavaScript truthiness.</summary>
    public bool IsTrue(RunScope scope, CancellationToken ct = default)
    {
        if (TryEvaluateDirectly(scope, ct, out var value)) return value.IsTruthy;
        return Engine().IsTrue(scope, ct);
    }

    /// <summary>Evaluates the expression to a JSON value.</summary>
    public JsonElement EvaluateToJson(RunScope scope, CancellationToken ct = default)
    {
        // Objects and arrays take the engine, whose JSON.stringify decides their key order and number layout.
        if (TryEvaluateDirectly(scope, ct, out var value) && value.TryToJson(out var json)) return JsonElement.Parse(json);
        return Engine().EvaluateToJson(scope, ct);
    }

    /// <summary>The same expression, always run by the engine: the reference the direct path is tested against.</summary>
    internal Condition OnEngineOnly() => new(Source, Label, null, Engine(), _limits);

    private bool TryEvaluateDirectly(RunScope scope, CancellationToken ct, out JsonEvaluator.Value value)
    {
        value = JsonEvaluator.Value.Engine;
        // A cancelled evaluation goes to the engine, which reports it as it always has.
        if (_direct is null || ct.IsCancellationRequested) return false;
        value = JsonEvaluator.Evaluate(_direct, scope);
        return !value.NeedsEngine;
    }

    // Not inlined: compiling a caller must not pull in Jint, which Prepare's body references.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private JintEvaluator Engine()
    {
        if (_engine is { } engine) return engine;
        try
        {
            // Preparing twice in a race is harmless; one of the two is kept.
            return LazyInitializer.EnsureInitialized(ref _engine, () => JintEvaluator.Prepare(Source, Label, _limits));
        }
        catch (ParseErrorException ex)
        {
            throw ParseFailed(Label, ex);
        }
    }

    // Acornima counts columns from zero; runtime errors and templates report them from one.
    private static ExpressionException ParseFailed(string label, ParseErrorException ex) =>
        new($"{label}: expression does not parse: line {ex.LineNumber}, column {ex.Column + 1}: {ex.Description}", ex);
}
