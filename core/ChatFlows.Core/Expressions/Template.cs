using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;
using Fluid.Parser;
using Fluid.Values;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// A parsed Liquid template (<c>{{ trigger.args.url }}</c>) evaluated in a sandbox: no member access to .NET
/// objects, bounded steps, recursion and output size. Parse once, render many times from any thread.
/// </summary>
public sealed partial class Template
{
    /// <summary>Most characters a rendering may produce by default (<see cref="SandboxOptions.MaxStringLength"/>).</summary>
    public const int MaxOutputLength = 1_000_000;

    private static readonly FluidParser Parser = new();
    private static readonly ConditionalWeakTable<SandboxOptions, TemplateOptions> OptionsByLimits = [];

    private readonly IFluidTemplate? _template;
    private readonly Expression? _singleExpression;
    private readonly string[]? _directPath;
    private readonly Action<TemplateContext, RunScope> _setVariables;
    private readonly SandboxOptions _limits;

    private Template(string source, string label, IFluidTemplate? template, Expression? singleExpression, string[]? directPath, Action<TemplateContext, RunScope> setVariables, SandboxOptions limits)
    {
        Source = source;
        Label = label;
        _template = template;
        _singleExpression = singleExpression;
        _directPath = directPath;
        _setVariables = setVariables;
        _limits = limits;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Where the template comes from, e.g. <c>nodes/fetch/config/url</c>; used in error messages.</summary>
    public string Label { get; }

    /// <summary>True when the text has no Liquid markup and renders to itself.</summary>
    public bool IsStatic => _template is null;

    /// <summary>True when the text is exactly one <c>{{ … }}</c> and so can yield a typed value.</summary>
    public bool IsSingleExpression => _singleExpression is not null;

    /// <summary>True when <paramref name="text"/> contains Liquid markup.</summary>
    public static bool HasMarkup(string text) => text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    /// <summary>Parses a template; the error, if any, names <paramref name="label"/> and the line and column.</summary>
    public static Template Parse(string source, string label, SandboxOptions? limits = null)
    {
        limits ??= SandboxOptions.Default;
        if (!HasMarkup(source)) return new Template(source, label, null, null, null, SetVariables, limits);
        if (!Parser.TryParse(source, out var template, out var error))
        {
            throw new ExpressionException($"{label}: template does not parse: {DescribeParseError(error)}");
        }
        template = new TemplateBounds(limits).VisitTemplate(template);
        var singleExpression = SingleExpressionOf(template);
        return new Template(source, label, template, singleExpression, DirectPathOf(singleExpression), SetVariables, limits);
    }

    /// <summary>
    /// The same template, always evaluated by Fluid: the reference the direct path is tested against. The variables
    /// come from <paramref name="setVariables"/> when given, in place of the scope's own (the whole run converted up
    /// front, as it was, is the reference the lazy conversion is tested against).
    /// </summary>
    internal Template OnFluidOnly(Action<TemplateContext, RunScope>? setVariables = null) =>
        new(Source, Label, _template, _singleExpression, null, setVariables ?? SetVariables, _limits);

    /// <summary>Renders the template to text.</summary>
    public async ValueTask<string> RenderAsync(RunScope scope)
    {
        if (_template is null) return Source;
        var context = CreateContext(scope);
        var output = new BoundedStringWriter(_limits.MaxStringLength);
        try
        {
            await _template.RenderAsync(output, NullEncoder.Default, context);
        }
        catch (Exception ex) when (ex is not ExpressionException and not OperationCanceledException)
        {
            throw new ExpressionException($"{Label}: template failed: {ex.Message}", ex);
        }
        return output.ToString();
    }

    /// <summary>
    /// Evaluates to JSON: a single <c>{{ expression }}</c> keeps its type (array, object, number); anything else
    /// renders to a string.
    /// </summary>
    public async ValueTask<JsonElement> EvaluateAsync(RunScope scope)
    {
        if (_singleExpression is null) return JsonSerializer.SerializeToElement(await RenderAsync(scope));
        if (TryEvaluateDirectly(scope, out var direct)) return direct;
        var context = CreateContext(scope);
        try
        {
            var value = await _singleExpression.EvaluateAsync(context);
            return JsonFluid.ToJson(value, context, _limits.MaxStringLength);
        }
        catch (Exception ex) when (ex is not ExpressionException and not OperationCanceledException)
        {
            throw new ExpressionException($"{Label}: template failed: {ex.Message}", ex);
        }
    }

    private TemplateContext CreateContext(RunScope scope)
    {
        var context = new TemplateContext(OptionsByLimits.GetValue(_limits, TemplateBounds.CreateOptions))
        {
            MaxSteps = _limits.TemplateMaxSteps,
        };
        TemplateBounds.Start(context);
        _setVariables(context, scope);
        return context;
    }

    // secrets is not among the variables: a secret is a credential, substituted after templating where it is used
    // (docs/semantics.md), so no filter, output or condition can read it. Each converts only what the template reads.
    private static void SetVariables(TemplateContext context, RunScope scope)
    {
        context.SetValue("trigger", JsonFluid.ToFluid(scope.Trigger));
        context.SetValue("run", JsonFluid.RunOf(scope));
        context.SetValue("data", JsonFluid.DataOf(scope));
    }

    private static Expression? SingleExpressionOf(IFluidTemplate template) =>
        template is FluidTemplate { Statements: [OutputStatement output] } ? output.Expression : null;

    private static string DescribeParseError(string error)
    {
        var match = PositionPattern().Match(error);
        if (!match.Success) return error;
        var message = error.Remove(match.Index, match.Length).Trim().TrimEnd('.', ',');
        return $"line {match.Groups[1].Value}, column {match.Groups[2].Value}: {message}";
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex PositionPattern();

    internal sealed class BoundedStringWriter(int limit) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override void Write(char value)
        {
            Check(1);
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Check(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Check(count);
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        private void Check(int more)
        {
            if (GetStringBuilder().Length + more > limit)
            {
                // Not an ExpressionException, so that RenderAsync adds the label: the error must name its node.
                throw new SandboxLimitException($"the output exceeds {limit:N0} characters (ChatFlows:Sandbox:MaxStringLength).");
            }
        }
    }
}
