using System.Text.Json.Nodes;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Tests.Expressions;

public class JsonTemplateTests
{
    private const string Label = "nodes/shape/config/value";

    [Fact]
    public async Task EvaluateAsync_SingleExpressionString_KeepsValueType()
    {
        var value = JsonNode.Parse("""
            {"list": "{{ data.items }}", "count": "{{ data.items | size }}", "first": "{{ data.items[0] }}",
             "text": "n={{ data.items | size }}", "fixed": 5, "nested": ["{{ trigger.ok }}", null]}
            """);
        var template = JsonTemplate.Parse(value, Label);

        var result = await template.EvaluateAsync(new TestScope(data: """{"items": [{"id": 1}, {"id": 2}]}""", trigger: """{"ok": true}"""));

        Assert.Equal("""{"list":[{"id":1},{"id":2}],"count":2,"first":{"id":1},"text":"n=2","fixed":5,"nested":[true,null]}""", result.GetRawText());
    }

    [Fact]
    public async Task Parse_NoMarkup_IsFixedAndEvaluatesToItself()
    {
        var template = JsonTemplate.Parse(JsonNode.Parse("""{"a": [1, "two", {"b": null}], "c": "no {markup} here"}"""), Label);

        var result = await template.EvaluateAsync(new TestScope());

        Assert.True(template.IsFixed);
        Assert.Equal("""{"a":[1,"two",{"b":null}],"c":"no {markup} here"}""", result.GetRawText());
    }

    [Fact]
    public void Parse_BrokenStrings_CollectsEveryErrorWithItsPath()
    {
        var value = JsonNode.Parse("""{"ok": "{{ data.a }}", "bad": ["x", "{{ data.b | }}"], "also": {"deep": "{% if %}"}}""");
        var errors = new List<ExpressionException>();

        JsonTemplate.Parse(value, Label, errors);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith(Label + "/bad/1: template does not parse", errors[0].Message, StringComparison.Ordinal);
        Assert.StartsWith(Label + "/also/deep: template does not parse", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenStringWithoutErrorList_Throws()
    {
        var ex = Assert.Throws<ExpressionException>(() => JsonTemplate.Parse(JsonNode.Parse("""["{{ oops | }}"]"""), Label));

        Assert.StartsWith(Label + "/0: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_DoesNotAliasTheSourceNode()
    {
        var value = JsonNode.Parse("""{"a": "{{ data.n }}"}""")!;
        var template = JsonTemplate.Parse(value, Label);

        value["a"] = "changed";

        Assert.Equal("""{"a":7}""", (await template.EvaluateAsync(new TestScope(data: """{"n": 7}"""))).GetRawText());
    }
}
