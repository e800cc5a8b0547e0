using System.Text.Json;
using ChatFlows.Core.Expressions;
using CsCheck;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>
/// A template that is one plain path is read straight from the run's JSON; Fluid is the reference it must match on
/// value and error, for generated paths over generated runs.
/// </summary>
public class TemplateDirectPathTests
{
    private const string Label = "nodes/reply/config/body";

    // Mostly names the generated objects have, so that most paths reach a value.
    private static readonly Gen<string> PathNames = Gen.Frequency(
        (8, Gen.OneOf("a", "b", "set", "total")),
        (1, Gen.OneOf("size", "first", "last", "missing")));

    private static readonly Gen<string> Paths = Gen.Frequency(
        (1, Gen.OneOf("trigger", "run", "data")),
        (6, Gen.Select(Gen.OneOf("trigger", "data", "run"), PathNames.Array[1, 2])
            .Select((root, names) => string.Join(".", [root, .. names]))));

    private static readonly Gen<SandboxOptions> Limits = Gen.Frequency(
        (4, Gen.Const(SandboxOptions.Default)),
        (1, Gen.Int[4, 60].Select(length => new SandboxOptions { MaxStringLength = length })));

    private static readonly Gen<string> Leaves = Gen.Frequency((16, Gen.OneOf(GeneratedJson.Leaves)), (1, Gen.OneOf(GeneratedJson.FailingLeaves)));

    [Fact]
    public async Task EvaluateAsync_GeneratedPlainPaths_GiveWhatFluidGives()
    {
        var direct = 0;
        var evaluations = 0;
        await Gen.Select(Paths, GeneratedJson.Scopes(Leaves), Limits).SampleAsync(
            async (path, scope, limits) =>
            {
                var template = Template.Parse("{{ " + path + " }}", Label, limits);
                Interlocked.Increment(ref evaluations);
                if (template.TryEvaluateDirectly(scope, out _)) Interlocked.Increment(ref direct);

                Assert.Equal(await Outcome(() => template.OnFluidOnly().EvaluateAsync(scope)), await Outcome(() => template.EvaluateAsync(scope)));
            },
            iter: 20_000,
            print: t => $"{{{{ {t.Item1} }}}} with limit {t.Item3.MaxStringLength} over trigger {t.Item2.Trigger.GetRawText()}, data {JsonSerializer.Serialize(t.Item2.Data)}, run {t.Item2.Run.GetRawText()}");

        // A good share must take the direct path, or the comparison above proves little.
        Assert.InRange(direct, evaluations / 5, evaluations);
    }

    [Theory]
    [InlineData("{{ trigger.orderId }}", """{"orderId": "A-1"}""", "\"A-1\"")]
    [InlineData("{{trigger.n}}", """{"n": 1.0E2}""", "100")]
    [InlineData("{{ trigger.n }}", """{"n": 100.50}""", "100.50")]
    [InlineData("{{ trigger.a.b.c }}", """{"a": {"b": {"c": [1, {"d": 1e2}, "<x>"]}}}""", """[1,{"d":100},"\u003Cx\u003E"]""")]
    [InlineData("{{ trigger.a }}", """{"a": null}""", "null")]
    [InlineData("{{ trigger }}", """{"a": 1, "b": true}""", """{"a":1,"b":true}""")]
    [InlineData("{{ data.set.total }}", null, "12.5")]
    [InlineData("{{ run.workflow }}", null, "\"test\"")]
    public async Task EvaluateAsync_PlainPath_IsReadDirectly(string source, string? trigger, string expected)
    {
        var template = Template.Parse(source, Label);
        var scope = new TestScope(data: """{"set": {"total": 12.5}}""", trigger: trigger);

        Assert.True(template.TryEvaluateDirectly(scope, out var direct));
        Assert.Equal(expected, direct.GetRawText());
        Assert.Equal(expected, (await template.OnFluidOnly().EvaluateAsync(scope)).GetRawText());
    }

    [Theory]
    [InlineData("{{ trigger.items.size }}")]
    [InlineData("{{ trigger.obj.size }}")]
    [InlineData("{{ trigger.obj.first }}")]
    [InlineData("{{ trigger.items.first }}")]
    [InlineData("{{ trigger.name.size }}")]
    [InlineData("{{ trigger.missing }}")]
    [InlineData("{{ trigger.big }}")]
    [InlineData("{{ trigger.items[0] }}")]
    [InlineData("{{ trigger.items | size }}")]
    [InlineData("{{ trigger['name'] }}")]
    [InlineData("{{ data }}")]
    [InlineData("{{ data.missing }}")]
    [InlineData("{{ secrets.token }}")]
    [InlineData("{{ name }}")]
    [InlineData("a {{ trigger.name }}")]
    public async Task EvaluateAsync_OutsideThePlainPaths_IsLeftToFluid(string source)
    {
        var template = Template.Parse(source, Label);
        var scope = new TestScope(data: """{"set": {"total": 1}}""", trigger: """{"items": [1, 2], "name": "abc", "big": 1e30, "obj": {"size": "real", "first": 1}}""");

        Assert.False(template.TryEvaluateDirectly(scope, out _));
        Assert.Equal(await Outcome(() => template.OnFluidOnly().EvaluateAsync(scope)), await Outcome(() => template.EvaluateAsync(scope)));
    }

    [Fact]
    public async Task EvaluateAsync_SizeOfAnObjectWithASizeMember_IsFluidsCount()
    {
        // Why size, first and last are left to Fluid: it answers them itself before an object's own member.
        var template = Template.Parse("{{ trigger.obj.size }}", Label);

        var value = await template.EvaluateAsync(new TestScope(trigger: """{"obj": {"size": "real", "first": 1}}"""));

        Assert.False(template.TryEvaluateDirectly(new TestScope(trigger: """{"obj": {"size": "real"}}"""), out _));
        Assert.Equal("2", value.GetRawText());
    }

    [Fact]
    public async Task EvaluateAsync_ValueLongerThanTheLimit_FailsAsFluidDoes()
    {
        var template = Template.Parse("{{ trigger.items }}", Label, new SandboxOptions { MaxStringLength = 10 });
        var scope = new TestScope(trigger: """{"items": ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"]}""");

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.EvaluateAsync(scope));

        Assert.False(template.TryEvaluateDirectly(scope, out _));
        Assert.Equal(Label + ": template failed: the value is longer than 10 characters as JSON (ChatFlows:Sandbox:MaxStringLength).", ex.Message);
    }

    private static async Task<string> Outcome(Func<ValueTask<JsonElement>> evaluate)
    {
        try
        {
            return "value " + (await evaluate()).GetRawText();
        }
        catch (Exception ex)
        {
            return $"error {ex.GetType().Name}: {ex.Message}";
        }
    }
}
