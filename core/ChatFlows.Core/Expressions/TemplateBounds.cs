using System.Diagnostics;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// Bounds a parsed Liquid template beyond Fluid's step limit: a doubling loop of <c>append</c>, <c>assign</c> or
/// <c>capture</c> takes only a few steps to build gigabytes, so every assign, capture and filter result is measured
/// against <see cref="SandboxOptions.MaxStringLength"/> and the rendering's wall time against
/// <see cref="SandboxOptions.TemplateTimeout"/>; the filters that build a long string in one call refuse it first.
/// </summary>
internal sealed class TemplateBounds(SandboxOptions limits) : AstRewriter
{
    private const string StartedKey = "ChatFlows.Sandbox.Started";

    /// <summary>Marks the start of a rendering, for the wall-time limit.</summary>
    public static void Start(TemplateContext context) => context.AmbientValues[StartedKey] = Stopwatch.GetTimestamp();

    /// <summary>Template options with the step and recursion limits and the bounded filters.</summary>
    public static TemplateOptions CreateOptions(SandboxOptions limits)
    {
        var options = new TemplateOptions
        {
            MaxSteps = limits.TemplateMaxSteps,
            MaxRecursion = limits.TemplateMaxRecursion,
            // Templates read JSON only; no .NET members are reachable.
            MemberAccessStrategy = new DefaultMemberAccessStrategy(),
        };
        var max = limits.MaxStringLength;
        Bound(options, "join", max, (input, arguments) =>
        {
            var separator = arguments.Count > 0 ? arguments.At(0).ToStringValue().Length : 1;
            double length = 0;
            if (input is ArrayValue array)
            {
                foreach (var item in array.Values) length += Length(item) + separator;
            }
            return length;
        });
        foreach (var name in new[] { "replace", "replace_first", "replace_last" })
        {
            Bound(options, name, max, (input, arguments) =>
            {
                var text = input.ToStringValue();
                var pattern = arguments.At(0).ToStringValue();
                var replacement = arguments.At(1).ToStringValue();
                double count = name != "replace" ? 1 : BoundedBuiltIns.Occurrences(text, pattern);
                return text.Length + (count * replacement.Length);
            });
        }
        Bound(options, "format_string", max, (input, arguments) =>
        {
            var format = input.ToStringValue();
            var longest = Enumerable.Range(0, arguments.Count).Select(i => Length(arguments.At(i))).DefaultIfEmpty(0).Max();
            return format.Length + ((double)format.Count(c => c == '{') * longest);
        });
        Bound(options, "json", max, (input, _) => JsonLength(input, 0, max));
        return options;
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement) =>
        new BoundedAssign((AssignStatement)base.VisitAssignStatement(assignStatement), limits);

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement) =>
        new BoundedCapture((CaptureStatement)base.VisitCaptureStatement(captureStatement), limits);

    protected override Expression VisitFilterExpression(FilterExpression filterExpression) =>
        new BoundedFilter((FilterExpression)base.VisitFilterExpression(filterExpression), limits);

    // Fluid materialises a range as an array before a loop takes its first step, so (1..100000000) allocated
    // gigabytes before MaxSteps could stop it; a range longer than the step budget is refused up front.
    protected override Expression VisitRangeExpression(RangeExpression rangeExpression) => new BoundedRange(rangeExpression);

    /// <summary>The length a value counts for: characters of text, items of a list or object.</summary>
    private static double Length(FluidValue value) => value switch
    {
        StringValue text => text.ToStringValue().Length,
        ArrayValue array => array.Values.Count,
        DictionaryValue dictionary when dictionary.ToObjectValue() is IFluidIndexable indexable => indexable.Count,
        _ => 0,
    };

    private static void Check(FluidValue value, TemplateContext context, SandboxOptions limits)
    {
        var length = Length(value);
        if (length > limits.MaxStringLength) throw SandboxLimitException.StringTooLong(length, limits.MaxStringLength);
        if (context.AmbientValues.TryGetValue(StartedKey, out var started) && Stopwatch.GetElapsedTime((long)started) > limits.TemplateTimeout)
        {
            throw new SandboxLimitException($"the template ran longer than {limits.TemplateTimeout.TotalMilliseconds:0} ms (ChatFlows:Sandbox:TemplateTimeout).");
        }
    }

    private static void Bound(TemplateOptions options, string name, int max, Func<FluidValue, FilterArguments, double> length)
    {
        var original = options.Filters.First(f => f.Key == name).Value;
        options.Filters.AddFilter(name, (input, arguments, context) =>
        {
            var estimate = length(input, arguments);
            if (estimate > max) throw SandboxLimitException.StringTooLong(estimate, max);
            return original(input, arguments, context);
        });
    }

    private static double JsonLength(FluidValue value, int depth, int max)
    {
        if (depth > 64) return 0;
        double length = value switch
        {
            StringValue text => text.ToStringValue().Length + 2,
            _ => 8,
        };
        if (value is ArrayValue array)
        {
            foreach (var item in array.Values)
            {
                length += JsonLength(item, depth + 1, max) + 1;
                if (length > max) return length;
            }
        }
        else if (value is DictionaryValue dictionary && dictionary.ToObjectValue() is IFluidIndexable indexable)
        {
            foreach (var key in indexable.Keys)
            {
                length += key.Length + 4 + (indexable.TryGetValue(key, out var item) ? JsonLength(item, depth + 1, max) : 0);
                if (length > max) return length;
            }
        }
        return length;
    }

    private sealed class BoundedAssign(AssignStatement assign, SandboxOptions limits) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            context.IncrementSteps();
            var value = await assign.Value.EvaluateAsync(context);
            Check(value, context, limits);
            context.SetValue(assign.Identifier, value);
            return Completion.Normal;
        }
    }

    private sealed class BoundedCapture(CaptureStatement capture, SandboxOptions limits) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            context.IncrementSteps();
            // The body renders into a bounded buffer: a loop inside a capture must not grow it without end.
            using var body = new Template.BoundedStringWriter(limits.MaxStringLength);
            foreach (var statement in capture.Statements)
            {
                var completion = await statement.WriteToAsync(body, encoder, context);
                if (completion != Completion.Normal) return completion;
            }
            var value = new StringValue(body.ToString());
            Check(value, context, limits);
            context.SetValue(capture.Identifier, value);
            return Completion.Normal;
        }
    }

    private sealed class BoundedFilter(FilterExpression filter, SandboxOptions limits) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var value = await filter.EvaluateAsync(context);
            Check(value, context, limits);
            return value;
        }
    }

    private sealed class BoundedRange(RangeExpression range) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var from = (await range.From.EvaluateAsync(context)).ToNumberValue();
            var to = (await range.To.EvaluateAsync(context)).ToNumberValue();
            if (context.MaxSteps > 0 && to - from >= context.MaxSteps)
            {
                throw new SandboxLimitException($"the range ({from}..{to}) has more than {context.MaxSteps:N0} items (ChatFlows:Sandbox:TemplateMaxSteps).");
            }
            return await range.EvaluateAsync(context);
        }
    }
}
