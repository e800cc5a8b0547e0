using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using ChatFlows.Core.Expressions;
using CsCheck;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>
/// Conditions of the common shape are read straight from the run's JSON; the engine is the reference they must match
/// on truthiness, JSON value and error message, for expressions in and around that shape over varied data.
/// </summary>
public class ConditionDirectPathTests
{
    private const string Label = "nodes/check/config/expression";

    // Numbers as JSON writes them, strings that read as numbers in JavaScript's own way, and values of every kind.
    private static readonly string[] JsonLeaves =
    [
        "0", "-0", "0.0", "1", "-1", "100", "100.5", "101", "1E3", "1e21", "1e-7", "123456789012345680000", "0.1",
        "1.7976931348623157e308", "5e-324", "1e400", "9007199254740993",
        "\"\"", "\" 12 \"", "\"12\"", "\"0x1F\"", "\"0X1f\"", "\"0b101\"", "\"0o17\"", "\"1e3\"", "\"abc\"", "\"100\"", "\"Infinity\"",
        "\"-Infinity\"", "\"-0\"", "\".5\"", "\"5.\"", "\"\\t7\\n\"", "\"\\u00a07\\u2028\"", "\"\\u00857\"", "\"-0x1F\"", "\"1_000\"",
        "\"é\"", "\"a\\\"b\"", "\"B\"", "\"b\"", "\"10\"", "\"9\"", "\"\\ud800\"", "\"0x1FFFFFFFFFFFFF\"", "\".\"", "\"1e\"",
        "true", "false", "null", "[]", "[1]", "[\"a\", 2]", "{}", "{\"a\": 1}", "{\"length\": 3}", "{\"a\": 1, \"a\": 2}",
    ];

    private static readonly Gen<string> JsonValue = Gen.Frequency(
        (6, Gen.OneOf(JsonLeaves)),
        (1, Gen.OneOf(JsonLeaves).Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
        (2, Gen.Select(Gen.OneOf(JsonLeaves), Gen.OneOf(JsonLeaves), Gen.OneOf(JsonLeaves))
            .Select((a, b, c) => $$$"""{"a": {{{a}}}, "b": {{{b}}}, "total": {{{c}}}}""")));

    private static readonly Gen<TestScope> Scopes = Gen.Select(JsonValue, JsonValue, JsonValue, JsonValue, Gen.Bool)
        .Select((a, b, set, trigger, withData) => new TestScope(
            data: withData ? $$$"""{"a": {{{a}}}, "b": {{{b}}}, "set": {{{set}}}, "items": [{{{a}}}, {{{b}}}], "s": "abc"}""" : null,
            trigger: $$$"""{"a": {{{trigger}}}, "args": {"env": "prod"}, "rejection": {"reason": null}}"""));

    private static readonly string[] Leaves =
    [
        "0", "1", "100", "0.5", "1e21", "-0", "010", "0x1F", "1_0", "'0x1F'", "''", "' 12 '", "'12'", "'a'", "'b'", "'1e3'", "'\\x41'",
        "'\\07'", "true", "false", "null", "undefined", "NaN",
        "data.a", "data.b", "data.set", "data.set.total", "data.set.a", "data.items", "data.items.length", "data.items[0]",
        "data.items[1]", "data.items[2]", "data.items['0']", "data.items['01']", "data['a']", "data[0]", "data.s.length", "data.s[1]",
        "data.a.length", "data.a.a", "data.a[0]", "data.missing", "data.missing.x", "data.constructor", "data.a.toString",
        "data.__proto__", "data.set.length", "trigger", "trigger.a", "trigger.a.length", "trigger.args.env", "trigger.missing",
        "trigger.rejection.reason.length", "run.id", "run.thread", "run.thread.x", "run", "data", "data?.a", "data.items.at(-1)",
    ];

    private static Gen<string> Expressions(int depth) => depth == 0
        ? Gen.OneOf(Leaves)
        : Gen.Frequency(
            (4, Gen.OneOf(Leaves)),
            (1, Gen.Select(Gen.OneOf("!", "-", "+", "typeof "), Expressions(depth - 1)).Select((op, e) => op + " " + e)),
            (4, Gen.Select(Expressions(depth - 1), Gen.OneOf("===", "!==", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "??", "+", "in"), Expressions(depth - 1))
                .Select((a, op, b) => $"({a} {op} {b})")),
            (1, Gen.Select(Expressions(depth - 1), Expressions(depth - 1), Expressions(depth - 1)).Select((a, b, c) => $"({a} ? {b} : {c})")));

    [Fact]
    public void IsTrueAndEvaluateToJson_GeneratedExpressions_MatchTheEngine()
    {
        var direct = 0;
        Gen.Select(Expressions(3), Scopes).Sample(
            (source, scope) =>
            {
                var condition = Condition.Parse(source, Label);
                var engine = condition.OnEngineOnly();
                if (condition.IsDirect) Interlocked.Increment(ref direct);

                Assert.Equal(Outcome(() => engine.IsTrue(scope)), Outcome(() => condition.IsTrue(scope)));
                Assert.Equal(Outcome(() => engine.EvaluateToJson(scope).GetRawText()), Outcome(() => condition.EvaluateToJson(scope).GetRawText()));
            },
            iter: 20_000,
            print: t => $"{t.Item1} over data {JsonSerializer.Serialize(t.Item2.Data)}, trigger {t.Item2.Trigger.GetRawText()}");

        // Most generated expressions must take the direct path, or the comparison above proves little.
        Assert.InRange(direct, 5_000, 20_000);
    }

    [Fact]
    public void NumbersAndNumericText_Generated_ReadAndPrintAsTheEngineDoes()
    {
        // Any double as JSON writes it, and number-like text: digits, signs, points, exponents, radix prefixes, spaces.
        var numbers = Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var text = Gen.Char[" \t+-.0123456789eExXbBoOaFI"].Array[0, 12].Select(chars => JsonSerializer.Serialize(new string(chars)));
        var longDigits = Gen.Char['0', '9'].Array[1, 30].Select(chars => new string(chars).TrimStart('0') is { Length: > 0 } d ? d + "e-" + d.Length % 7 : "0");
        Gen.Select(Gen.OneOf(numbers, text, longDigits), Gen.OneOf(
            "data.v", "-data.v", "+data.v", "data.v == 0", "data.v < 10", "data.v >= -1e10", "data.v == '1'", "!data.v", "data.v == true")).Sample(
            (value, source) =>
            {
                var scope = new TestScope(data: $$"""{"v": {{value}}}""");
                var condition = Condition.Parse(source, Label);
                var engine = condition.OnEngineOnly();

                Assert.True(condition.IsDirect);
                Assert.Equal(Outcome(() => engine.IsTrue(scope)), Outcome(() => condition.IsTrue(scope)));
                Assert.Equal(Outcome(() => engine.EvaluateToJson(scope).GetRawText()), Outcome(() => condition.EvaluateToJson(scope).GetRawText()));
            },
            iter: 20_000,
            print: t => $"{t.Item2} with v = {t.Item1}");
    }

    [Theory]
    [InlineData("data.set.total > 100")]
    [InlineData("trigger.args.env === 'prod' && run.workflow === 'test'")]
    [InlineData("data['items'][0] >= -1 ? data.s : !data.missing")]
    [InlineData("data.x ?? (trigger.n != null)")]
    [InlineData("typeof trigger.name === 'string' && trigger.scheduledAt !== undefined")]
    public void Parse_CommonShape_TakesTheDirectPath(string source)
    {
        Assert.True(Condition.Parse(source, Label).IsDirect);
    }

    [Theory]
    [InlineData("data.items.map(i => i * 2)")]
    [InlineData("data.total + 1 > 100")]
    [InlineData("`${data.a}` === '1'")]
    [InlineData("/a/.test(data.s)")]
    [InlineData("'a' in data")]
    [InlineData("Math.max(1, 2) > 1")]
    [InlineData("NaN !== data.a")]
    [InlineData("data.x === 010")]
    public void Parse_OutsideTheCommonShape_RunsInTheEngine(string source)
    {
        Assert.False(Condition.Parse(source, Label).IsDirect);
    }

    [Theory]
    [InlineData("data.v > 100", """{"v": 101}""", true)]
    [InlineData("data.v > 100", """{"v": " 101 "}""", true)]
    [InlineData("data.v == 31", """{"v": "0x1F"}""", true)]
    [InlineData("data.v === 31", """{"v": "0x1F"}""", false)]
    [InlineData("data.v < 1", """{"v": ""}""", true)]
    [InlineData("data.v > 0 || data.v <= 0", """{"v": "abc"}""", false)]
    [InlineData("data.v < 'b'", """{"v": "B"}""", true)]
    [InlineData("data.v < data.w", """{"v": "10", "w": "9"}""", true)]
    [InlineData("data.v < data.w", """{"v": 10, "w": "9"}""", false)]
    [InlineData("data.v === 0", """{"v": -0}""", true)]
    [InlineData("data.v == null && data.missing == null && data.v !== data.missing", """{"v": null}""", true)]
    [InlineData("data.v == false", """{"v": "0"}""", true)]
    [InlineData("data.v.length === 2", """{"v": "é😀"}""", false)]
    public void IsTrue_JavaScriptConversions_FollowTheStandard(string source, string data, bool expected)
    {
        var condition = Condition.Parse(source, Label);

        Assert.Equal(expected, condition.IsTrue(new TestScope(data: data)));
        Assert.Equal(expected, condition.OnEngineOnly().IsTrue(new TestScope(data: data)));
    }

    [Theory]
    [InlineData("data.a || 'none'", """{"a": ""}""", "\"none\"")]
    [InlineData("data.a && data.b", """{"a": 1, "b": 2.50}""", "2.5")]
    [InlineData("-data.a", """{"a": "1e21"}""", "-1e+21")]
    [InlineData("data.a", """{"a": 1E-7}""", "1e-7")]
    [InlineData("data.a", """{"a": {"x": 1.0}}""", """{"x":1}""")]
    public void EvaluateToJson_DirectPath_GivesTheEngineJson(string source, string data, string expected)
    {
        var condition = Condition.Parse(source, Label);

        Assert.Equal(expected, condition.EvaluateToJson(new TestScope(data: data)).GetRawText());
    }

    [Fact]
    public void IsTrue_ReadingFromUndefined_GivesTheEngineError()
    {
        // HistoryGrowth fails runs on purpose this way: reason is null, so reading its length is a TypeError.
        var condition = Condition.Parse("trigger.rejection.reason.length > 0", Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope(trigger: """{"rejection": {"reason": null}}""")));

        Assert.True(condition.IsDirect);
        Assert.StartsWith(Label + ": line 1, column ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot read properties of null", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data.set.total > 100", """{"set": {"total": 101}}""", false)]
    [InlineData("data.set.total > 100 && data.set.total.toFixed(0) === '101'", """{"set": {"total": 101}}""", true)]
    [InlineData("data.set.missing.x > 100", """{"set": {"total": 101}}""", true)]
    public void IsTrue_InAFreshLoadContext_LoadsJintOnlyWhenTheEngineRuns(string source, string data, bool loadsJint)
    {
        // Other tests have loaded Jint into this process already; a fresh context shows what Condition itself needs.
        var context = new WatchingLoadContext(Path.GetDirectoryName(typeof(Condition).Assembly.Location)!);
        try
        {
            var core = context.LoadFromAssemblyPath(typeof(Condition).Assembly.Location);
            var tests = context.LoadFromAssemblyPath(typeof(TestScope).Assembly.Location);
            var condition = core.GetType(typeof(Condition).FullName!)!.GetMethod(nameof(Condition.Parse))!.Invoke(null, [source, Label, null])!;
            var scope = Activator.CreateInstance(tests.GetType(typeof(TestScope).FullName!)!, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [data, null, null], null);

            foreach (var method in new[] { nameof(Condition.IsTrue), nameof(Condition.EvaluateToJson) })
            {
                try
                {
                    condition.GetType().GetMethod(method)!.Invoke(condition, [scope, CancellationToken.None]);
                }
                catch (TargetInvocationException ex) when (ex.InnerException?.GetType().Name == nameof(ExpressionException))
                {
                    // Reading from undefined fails in the engine, as it should; what matters here is what it loaded.
                }
            }

            Assert.Equal(loadsJint, context.Requested.Contains("Jint"));
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Outcome<T>(Func<T> evaluate)
    {
        try
        {
            return "value " + evaluate();
        }
        catch (ExpressionException ex)
        {
            return "error " + ex.Message;
        }
    }

    /// <summary>Loads ChatFlows and its parsers afresh, and notes every assembly it is asked for.</summary>
    private sealed class WatchingLoadContext(string directory) : AssemblyLoadContext(isCollectible: true)
    {
        private static readonly string[] Fresh = ["ChatFlows.Core", "ChatFlows.Core.Tests", "Acornima", "Jint"];

        public HashSet<string> Requested { get; } = [];

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            lock (Requested) Requested.Add(assemblyName.Name!);
            return Fresh.Contains(assemblyName.Name) ? LoadFromAssemblyPath(Path.Combine(directory, assemblyName.Name + ".dll")) : null;
        }
    }
}
