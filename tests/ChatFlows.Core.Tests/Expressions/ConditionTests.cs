using System.Diagnostics;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Tests.Expressions;

public class ConditionTests
{
    private const string Label = "nodes/any/config/expression";

    [Theory]
    [InlineData("""{"items": [1]}""", true)]
    [InlineData("""{"items": []}""", false)]
    public void IsTrue_ItemsLength_FollowsData(string data, bool expected)
    {
        var condition = Condition.Parse("data.items.length > 0", Label);

        Assert.Equal(expected, condition.IsTrue(new TestScope(data: data)));
    }

    [Fact]
    public void IsTrue_TriggerAndRun_AreVisible()
    {
        var condition = Condition.Parse("trigger.args.env === 'prod' && run.workflow === 'test'", Label);

        Assert.True(condition.IsTrue(new TestScope(trigger: """{"args": {"env": "prod"}}""")));
        Assert.False(condition.IsTrue(new TestScope(trigger: """{"args": {"env": "dev"}}""")));
    }

    [Fact]
    public void EvaluateToJson_ArrayExpression_GivesJson()
    {
        var condition = Condition.Parse("data.items.map(i => i * 2)", Label);

        Assert.Equal("[2,4]", condition.EvaluateToJson(new TestScope(data: """{"items": [1, 2]}""")).GetRawText());
    }

    [Fact]
    public void EvaluateToJson_Undefined_GivesNull()
    {
        var condition = Condition.Parse("data.missing", Label);

        Assert.Equal("null", condition.EvaluateToJson(new TestScope()).GetRawText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Empty_Throws(string source)
    {
        var ex = Assert.Throws<ExpressionException>(() => Condition.Parse(source, Label));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Statements_RefusedWithLineAndColumn()
    {
        var ex = Assert.Throws<ExpressionException>(() => Condition.Parse("a; while(true){}", Label));

        Assert.StartsWith(Label + ": expression does not parse: line 1, column 2:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorOnSecondLine_ReportsOneBasedColumn()
    {
        var ex = Assert.Throws<ExpressionException>(() => Condition.Parse("data.a &&\n  * 2", Label));

        // The '*' is the third character of line 2.
        Assert.Contains("line 2, column 3:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LoopThatOnlyTheScriptParserSees_Refused()
    {
        // As an expression: {} / a / 1 / g, with "//2;while(1){}" a comment.
        // As a script: a block, the regex /a/ divided by 2, a while loop and the regex /1/g.
        var ex = Assert.Throws<ExpressionException>(() => Condition.Parse("{}/a//2;while(1){}\n/1/g", Label));

        Assert.StartsWith(Label + ": expression does not parse", ex.Message, StringComparison.Ordinal);
        Assert.Contains("single expression", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[...Array(1e9)].length > 0")]
    [InlineData("Array.from({length: 1e9}).length > 0")]
    [InlineData("(f => f(f))(f => f(f))")]
    [InlineData("(() => { while (true) {} })()")]
    [InlineData("Array(1e6).fill('x'.repeat(1000)).join('').length > 0")]
    public void IsTrue_RunawayExpression_StoppedWithExpressionException(string source)
    {
        var condition = Condition.Parse(source, Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("({ valueOf() { return +this; } }) + 1")]
    [InlineData("`${ { toString() { return `${this}`; } } }`")]
    [InlineData("new Proxy({}, { get: (t, k, r) => r[k] }).x")]
    public void IsTrue_RecursionOutsideCalls_StoppedInsteadOfOverflowingTheStack(string source)
    {
        var condition = Condition.Parse(source, Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_CatastrophicRegex_StoppedByTimeout()
    {
        var condition = Condition.Parse("/^(a+)+$/.test('a'.repeat(40) + 'b')", Label);
        var clock = Stopwatch.StartNew();

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
        // The engine's own default is ten seconds; ours is half a second, so five leaves room for a slow machine.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void IsTrue_LargeDataArray_StillReadable()
    {
        var items = string.Join(",", Enumerable.Repeat("1", 200_000));
        var condition = Condition.Parse("data.items.length === 200000", Label);

        Assert.True(condition.IsTrue(new TestScope(data: $$"""{"items": [{{items}}]}""")));
    }

    [Fact]
    public void IsTrue_DotNetAndHostHooks_AreUndefined()
    {
        var condition = Condition.Parse(
            "typeof System === 'undefined' && typeof importNamespace === 'undefined' && typeof clr === 'undefined'"
            + " && typeof require === 'undefined' && typeof host === 'undefined'",
            Label);

        Assert.True(condition.IsTrue(new TestScope()));
    }

    [Theory]
    [InlineData("System.IO.File.Exists('/etc/passwd')", "System is not defined")]
    [InlineData("importNamespace('System.IO')", "importNamespace is not defined")]
    [InlineData("Function('return this')()", "String compilation has been disabled")]
    [InlineData("eval('1 + 1') === 2", "String compilation has been disabled")]
    public void IsTrue_DotNetOrStringCompilation_Fails(string source, string reason)
    {
        var condition = Condition.Parse(source, Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_TypeErrorAtRuntime_NamesLabelLineAndColumn()
    {
        var condition = Condition.Parse("data.items.length > 0 &&\n  data.missing.x", Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope(data: """{"items": [1]}""")));

        Assert.StartsWith(Label + ": line 2, column ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot read properties of undefined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_ImplicitGlobal_RefusedInStrictMode()
    {
        var condition = Condition.Parse("(() => { leaked = 1; return true; })()", Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains("leaked is not defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_GlobalAssignedInOneEvaluation_IsGoneInTheNext()
    {
        // True only while globalThis.count starts out undefined.
        var counting = Condition.Parse("(globalThis.count = (globalThis.count || 0) + 1) === 1", Label);
        var reading = Condition.Parse("typeof count === 'undefined'", Label);
        var scope = new TestScope();

        Assert.True(counting.IsTrue(scope));
        Assert.True(counting.IsTrue(scope));
        Assert.True(reading.IsTrue(scope));
    }

    [Fact]
    public void IsTrue_ChangedData_DoesNotChangeTheScope()
    {
        var mutate = Condition.Parse("(data.items.push(99), trigger.n = 0, data.items.length === 2)", Label);
        var check = Condition.Parse("data.items.length === 1 && trigger.n === 5", Label);
        var scope = new TestScope(data: """{"items": [1]}""", trigger: """{"n": 5}""");

        Assert.True(mutate.IsTrue(scope));
        Assert.True(check.IsTrue(scope));
    }

    [Fact]
    public async Task Parse_ConcurrentCalls_AllParseTheirOwnSource()
    {
        var sources = Enumerable.Range(0, 4_000)
            .Select(i => i % 2 == 0 ? $"data.items.length > {i} && trigger.args.name !== 'n{i}'" : $"[1, 2, {i}].includes(run.id.length) || data['k{i}'] === {i}")
            .ToArray();

        var conditions = await Task.WhenAll(sources.Select(source => Task.Run(() => Condition.Parse(source, Label))));

        Assert.Equal(sources, conditions.Select(c => c.Source));
    }
}
