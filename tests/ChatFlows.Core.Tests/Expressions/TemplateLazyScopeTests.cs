using System.Text.Json;
using ChatFlows.Core.Expressions;
using CsCheck;
using Fluid;
using Fluid.Values;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>
/// Fluid converts what a template reads of the run when it reads it; the whole run converted up front, as it was, is
/// the reference it must match. The values that failed every template then are left out of the comparison.
/// </summary>
public class TemplateLazyScopeTests
{
    private const string Label = "nodes/reply/config/body";

    private static readonly string[] Templates =
    [
        "{{ trigger.a }}", "{{ trigger.a.b }}", "{{ trigger.a | json }}", "{{ trigger | json }}", "{{ data | json }}", "{{ run | json }}",
        "{{ trigger.a | times: trigger.b }}", "{{ trigger.total | plus: 1 }}", "{{ trigger.size }}", "{{ trigger | size }}",
        "{{ trigger.a.size }}", "{{ trigger.a.first }}", "{{ trigger.a.last }}", "{{ trigger.first }}", "{{ data.size }}", "{{ data.set.size }}",
        "{{ data.first }}", "{{ trigger.missing.x | default: 'none' }}", "{{ data.missing }}", "{{ run.id }}{{ run.size }}",
        "{% for p in trigger %}[{{ p[0] }}={{ p[1] | json }}]{% endfor %}", "{% for p in data %}{{ p[0] }}:{{ p[1] }};{% endfor %}",
        "{% for x in trigger.a %}<{{ x }}>{% else %}none{% endfor %}", "{% for x in data.set %}{{ forloop.index }}{{ x | json }}{% endfor %}",
        "{{ trigger.a | map: 'b' | join: ',' }}", "{{ data.a | where: 'a' | size }}", "{{ trigger.a | sort | json }}", "{{ trigger.a | compact | json }}",
        "{% if trigger.a == empty %}empty{% elsif trigger.a %}set{% endif %}", "{% if trigger contains 'a' %}yes{% endif %}",
        "{% if data.set == data.set %}same{% endif %}", "{% if trigger.a == trigger.b %}eq{% endif %}", "{{ trigger['total'] }}{{ trigger[\"a\"].b }}",
        "{% assign t = trigger.a %}{{ t.b }}{{ t | json }}", "{{ trigger.a | append: data.b }}", "{{ trigger }}", "{{ data }}", "{{ run }}",
    ];

    [Fact]
    public async Task RenderAndEvaluate_LazyScope_GivesWhatTheWholeScopeGives()
    {
        await Gen.Select(Gen.OneOf(Templates), GeneratedJson.Scopes(Gen.OneOf(GeneratedJson.Leaves))).SampleAsync(
            async (source, scope) =>
            {
                var template = Template.Parse(source, Label);
                var lazy = template.OnFluidOnly();
                var eager = template.OnFluidOnly(SetWholeScope);

                Assert.Equal(await Outcome(() => eager.RenderAsync(scope)), await Outcome(() => lazy.RenderAsync(scope)));
                Assert.Equal(await Outcome(() => eager.EvaluateAsync(scope)), await Outcome(() => lazy.EvaluateAsync(scope)));
            },
            iter: 5_000,
            print: t => $"{t.Item1} over trigger {t.Item2.Trigger.GetRawText()}, data {JsonSerializer.Serialize(t.Item2.Data)}, run {t.Item2.Run.GetRawText()}");
    }

    [Fact]
    public async Task RenderAsync_OneFieldOfTheTrigger_ReadsNoNodeOutputNorTheRun()
    {
        var scope = new WatchedScope(new TestScope(data: """{"set": {"total": 2}, "other": [1, 2, 3]}""", trigger: """{"orderId": "a-1", "quantity": 3, "price": 2.5}"""));

        Assert.Equal("A-1 7.5", await Template.Parse("{{ trigger.orderId | upcase }} {{ trigger.quantity | times: trigger.price }}", Label).RenderAsync(scope));
        Assert.Equal("4", await Template.Parse("{{ data.set.total | times: 2 }}", Label).RenderAsync(scope));

        Assert.Equal(0, scope.RunReads);
        Assert.Equal(0, scope.DataListings);
        Assert.Equal(["set"], scope.OutputsRead);
    }

    [Fact]
    public async Task RenderAsync_MemberNeverRead_IsNeverConverted()
    {
        // 1e30 is beyond decimal, so Fluid cannot hold it: reading the whole trigger up front failed every template of
        // the run, even one that reads another field.
        var scope = new TestScope(trigger: """{"orderId": "a-1", "reading": {"big": 1e30}}""");
        var template = Template.Parse("{{ trigger.orderId | upcase }}", Label);

        Assert.Equal("A-1", await template.RenderAsync(scope));
        await Assert.ThrowsAsync<OverflowException>(async () => await template.OnFluidOnly(SetWholeScope).RenderAsync(scope));
        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await Template.Parse("{{ trigger.reading.big | plus: 1 }}", Label).RenderAsync(scope));
        Assert.StartsWith(Label + ": template failed: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_NameGivenTwice_ReadsItsLastValue()
    {
        // An HTTP node's output is parsed as it comes, so a payload may give a name twice.
        var scope = new TestScope(data: """{"http": {"a": 1, "b": 0, "a": 2}}""");

        Assert.Equal("2", (await Template.Parse("{{ data.http.a }}", Label).EvaluateAsync(scope)).GetRawText());
        Assert.Equal("2", (await Template.Parse("{{ data.http.a }}", Label).OnFluidOnly().EvaluateAsync(scope)).GetRawText());
        Assert.Equal("""{"a":2,"b":0}""", (await Template.Parse("{{ data.http }}", Label).EvaluateAsync(scope)).GetRawText());
        Assert.Equal("a=2;b=0;", await Template.Parse("{% for p in data.http %}{{ p[0] }}={{ p[1] }};{% endfor %}", Label).RenderAsync(scope));
    }

    /// <summary>The variables as Fluid saw them before it read lazily: the whole run converted up front.</summary>
    private static void SetWholeScope(TemplateContext context, RunScope scope)
    {
        context.SetValue("trigger", WholeValue(scope.Trigger));
        context.SetValue("run", WholeValue(scope.Run));
        var data = new Dictionary<string, FluidValue>();
        foreach (var (key, value) in scope.Data) data[key] = WholeValue(value);
        context.SetValue("data", new DictionaryValue(new FluidValueDictionaryFluidIndexable(data)));
    }

    private static FluidValue WholeValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new DictionaryValue(new FluidValueDictionaryFluidIndexable(
            element.EnumerateObject().ToDictionary(p => p.Name, p => WholeValue(p.Value)))),
        JsonValueKind.Array => new ArrayValue(element.EnumerateArray().Select(WholeValue).ToArray()),
        JsonValueKind.String => new StringValue(element.GetString()!),
        JsonValueKind.Number => NumberValue.Create(element.TryGetDecimal(out var d) ? d : (decimal)element.GetDouble()),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NilValue.Instance,
    };

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

    private static async Task<string> Outcome(Func<ValueTask<string>> render)
    {
        try
        {
            return "text " + await render();
        }
        catch (Exception ex)
        {
            return $"error {ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>A scope that counts what is read of it.</summary>
    private sealed class WatchedScope(RunScope inner) : RunScope
    {
        public int RunReads { get; private set; }

        public int DataListings { get; private set; }

        public List<string> OutputsRead { get; } = [];

        public override JsonElement Trigger => inner.Trigger;

        public override JsonElement Run
        {
            get
            {
                RunReads++;
                return inner.Run;
            }
        }

        public override IEnumerable<KeyValuePair<string, JsonElement>> Data
        {
            get
            {
                DataListings++;
                return inner.Data;
            }
        }

        public override bool TryGetData(string key, out JsonElement value)
        {
            OutputsRead.Add(key);
            return inner.TryGetData(key, out value);
        }
    }
}
