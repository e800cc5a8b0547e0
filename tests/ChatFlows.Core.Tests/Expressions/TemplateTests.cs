using System.Globalization;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Tests.Expressions;

[Collection(NonParallelCollection.Name)]
public class TemplateTests
{
    private const string Label = "nodes/greet/config/text";

    [Fact]
    public async Task RenderAsync_TimesFilter_MultipliesTriggerNumber()
    {
        var template = Template.Parse("{{ trigger.n | times: 2 }}", Label);

        var text = await template.RenderAsync(new TestScope(trigger: """{"n": 21}"""));

        Assert.Equal("42", text);
    }

    [Fact]
    public async Task RenderAsync_TriggerDataAndRun_AreAllVisible()
    {
        var template = Template.Parse("{{ trigger.args.who }} has {{ data.items | size }} items in {{ run.workflow }}", Label);
        var scope = new TestScope(data: """{"items": [1, 2, 3]}""", trigger: """{"args": {"who": "Ada"}}""");

        var text = await template.RenderAsync(scope);

        Assert.Equal("Ada has 3 items in test", text);
    }

    [Fact]
    public async Task RenderAsync_LoopOverData_RendersEachItem()
    {
        var template = Template.Parse("{% for item in data.items %}[{{ item.name }}]{% endfor %}", Label);

        var text = await template.RenderAsync(new TestScope(data: """{"items": [{"name": "a"}, {"name": "b"}]}"""));

        Assert.Equal("[a][b]", text);
    }

    [Fact]
    public async Task Parse_TextWithoutMarkup_IsStaticAndRendersItself()
    {
        var template = Template.Parse("Deploy {done} at 5 } {", Label);

        Assert.True(template.IsStatic);
        Assert.False(template.IsSingleExpression);
        Assert.Equal("Deploy {done} at 5 } {", await template.RenderAsync(new TestScope()));
    }

    [Theory]
    [InlineData("{{ data.items }}", true)]
    [InlineData("  {{ data.items }}", false)]
    [InlineData("{{ data.items }}{{ data.items }}", false)]
    [InlineData("{% if data.items %}yes{% endif %}", false)]
    public void Parse_Markup_IsNotStaticAndKnowsSingleExpression(string source, bool single)
    {
        var template = Template.Parse(source, Label);

        Assert.False(template.IsStatic);
        Assert.Equal(single, template.IsSingleExpression);
    }

    [Fact]
    public async Task EvaluateAsync_SingleExpression_KeepsArrayType()
    {
        var template = Template.Parse("{{ data.items }}", Label);

        var value = await template.EvaluateAsync(new TestScope(data: """{"items": [1, "two", {"three": 3}]}"""));

        Assert.Equal("""[1,"two",{"three":3}]""", value.GetRawText());
    }

    [Fact]
    public async Task EvaluateAsync_TextAroundExpression_GivesString()
    {
        var template = Template.Parse("n={{ data.n }}", Label);

        var value = await template.EvaluateAsync(new TestScope(data: """{"n": 5}"""));

        Assert.Equal("\"n=5\"", value.GetRawText());
    }

    [Fact]
    public void Parse_BrokenTemplate_ErrorNamesLabelLineAndColumn()
    {
        var ex = Assert.Throws<ExpressionException>(() => Template.Parse("Hello\n{{ trigger.name | }}", Label));

        Assert.StartsWith(Label + ": template does not parse: line 2, column ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedTag_ErrorNamesLabelAndLine()
    {
        var ex = Assert.Throws<ExpressionException>(() => Template.Parse("{% if trigger.ok %}yes", Label));

        Assert.StartsWith(Label + ": template does not parse", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_EnormousLoop_FailsFastWithoutBuildingTheRange()
    {
        var template = Template.Parse("{% for i in (1..10000000) %}x{% endfor %}", Label);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("range", ex.Message, StringComparison.Ordinal);
        // Building the range first allocated about 480 MB here; other tests running meanwhile allocate far less.
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, 0, 100_000_000);
    }

    [Theory]
    [InlineData("{% for i in (1..5) %}{{ i }}{% endfor %}", "12345")]
    [InlineData("{% for i in (1..5) reversed %}{{ i }}{% endfor %}", "54321")]
    [InlineData("{% for i in (1..5) limit: 2 offset: 1 %}{{ i }}{% endfor %}", "23")]
    [InlineData("{% for i in (data.n..3) %}{{ forloop.index }}:{{ i }} {% endfor %}", "1:2 2:3 ")]
    [InlineData("{% for i in (3..1) %}{{ i }}{% endfor %}", "")]
    public async Task RenderAsync_SmallRange_LoopsAsUsual(string source, string expected)
    {
        var template = Template.Parse(source, Label);

        Assert.Equal(expected, await template.RenderAsync(new TestScope(data: """{"n": 2}""")));
    }

    [Fact]
    public async Task RenderAsync_RangeFromData_IsBoundedToo()
    {
        var template = Template.Parse("{% assign r = (1..data.n) %}{{ r | size }}", Label);

        Assert.Equal("10", await template.RenderAsync(new TestScope(data: """{"n": 10}""")));
        await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope(data: """{"n": 2000000000}""")));
    }

    [Fact]
    public async Task RenderAsync_NestedLoopsOverStepBudget_Fail()
    {
        var template = Template.Parse("{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}", Label);

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_OutputOverLimit_FailsNamingLabel()
    {
        var chunk = new string('a', 1000);
        var template = Template.Parse("{% for i in (1..2000) %}{{ data.chunk }}{% endfor %}", Label);

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope(data: $$"""{"chunk": "{{chunk}}"}""")));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Template.MaxOutputLength.ToString("N0", CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_OutputAtLimit_Succeeds()
    {
        var template = Template.Parse("{{ data.text }}!", Label);
        var exactly = new TestScope(data: $$"""{"text": "{{new string('a', Template.MaxOutputLength - 1)}}"}""");
        var over = new TestScope(data: $$"""{"text": "{{new string('a', Template.MaxOutputLength)}}"}""");

        Assert.Equal(Template.MaxOutputLength, (await template.RenderAsync(exactly)).Length);
        await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(over));
    }

    [Fact]
    public async Task RenderAsync_DotNetMembers_AreNotReachable()
    {
        var template = Template.Parse("[{{ data.text.Length }}][{{ data.text.GetType }}][{{ run.id.Chars }}]", Label);

        var text = await template.RenderAsync(new TestScope(data: """{"text": "abc"}"""));

        Assert.Equal("[][][]", text);
    }
}
