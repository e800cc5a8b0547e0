using System.Diagnostics;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Tests.Expressions;

/// <summary>
/// Hostile conditions and templates: each is stopped quickly, before it allocates what it asks for, with a message
/// naming the node's field and the configuration key of the limit it hit.
/// </summary>
public class SandboxTests
{
    private const string Label = "nodes/check/config/expression";
    private const long AllocationBudget = 64L * 1024 * 1024;

    [Theory]
    [InlineData("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000)", "Atomics")]
    [InlineData("new SharedArrayBuffer(4).byteLength > 0", "SharedArrayBuffer")]
    [InlineData("new Uint8Array(2 ** 29).length > 0", "Uint8Array")]
    [InlineData("new ShadowRealm().evaluate(\"'a'.repeat(2 ** 28).length\") > 0", "ShadowRealm")]
    public void IsTrue_RemovedGlobal_FailsAtOnceNamingIt(string source, string global)
    {
        var condition = Condition.Parse(source, Label);
        var clock = Stopwatch.StartNew();

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.StartsWith(Label + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{global} is not available in conditions", ex.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("'a'.repeat(2 ** 28).length > 0")]
    [InlineData("'a'.padEnd(2 ** 28).length > 0")]
    [InlineData("'a'.padStart(2 ** 28, 'xy').length > 0")]
    [InlineData("''.concat(...Array(600).fill('x'.repeat(900000))).length > 0")]
    [InlineData("Array(60000).fill('x'.repeat(900000)).join('').length > 0")]
    [InlineData("String(Array(60000).fill('x'.repeat(900000))).length > 0")]
    [InlineData("JSON.stringify(Array(60000).fill('x'.repeat(900000))).length > 0")]
    [InlineData("'x'.repeat(900000).replaceAll('x', 'x'.repeat(900000)).length > 0")]
    public void IsTrue_StringBomb_RefusedBeforeAllocatingIt(string source)
    {
        var condition = Condition.Parse(source, Label);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.StartsWith(Label + ": the expression was stopped:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Sandbox:", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, AllocationBudget);
    }

    [Fact]
    public void IsTrue_StringLimitInsideTryCatch_CannotBeSwallowed()
    {
        var condition = Condition.Parse("(() => { try { return 'a'.repeat(2 ** 28).length; } catch { return 0; } })() === 0", Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains("ChatFlows:Sandbox:MaxStringLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_EndlessLoop_StoppedNamingTheStatementLimit()
    {
        var condition = Condition.Parse("(() => { while (true) {} })()", Label);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains("100,000 statements (ChatFlows:Sandbox:ConditionMaxStatements)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_EndlessLoopWithLargeStatementBudget_StoppedByTheConfiguredTimeout()
    {
        var limits = new SandboxOptions { ConditionMaxStatements = 100_000_000, ConditionTimeout = TimeSpan.FromMilliseconds(100) };
        var condition = Condition.Parse("(() => { while (true) {} })()", Label, limits);
        var clock = Stopwatch.StartNew();

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains("longer than 100 ms (ChatFlows:Sandbox:ConditionTimeout)", ex.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void IsTrue_MemoryGrowingLoop_StoppedNamingTheMemoryLimit()
    {
        // Time and statements are generous here, so that the memory limit is the one that stops it on a slow machine too.
        var limits = new SandboxOptions { ConditionMaxStatements = 100_000_000, ConditionTimeout = TimeSpan.FromSeconds(30) };
        var condition = Condition.Parse("(() => { const m = new Map(); for (let i = 0; ; i++) m.set(i, 'v' + i); })()", Label, limits);

        var ex = Assert.Throws<ExpressionException>(() => condition.IsTrue(new TestScope()));

        Assert.Contains("(ChatFlows:Sandbox:ConditionMaxMemoryBytes)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsTrue_Cancelled_StopsTheEvaluation()
    {
        var limits = new SandboxOptions { ConditionMaxStatements = 100_000_000, ConditionTimeout = TimeSpan.FromSeconds(60) };
        var condition = Condition.Parse("(() => { while (true) {} })()", Label, limits);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => condition.IsTrue(new TestScope(), cancel.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("{% assign s = 'a' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..40) %}{% assign s = s | prepend: s %}{% endfor %}{{ s | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..19) %}{% assign s = s | append: s %}{% endfor %}{% capture t %}{% for i in (1..1000) %}{{ s }}{% endfor %}{% endcapture %}{{ t | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..10) %}{% assign s = s | append: s %}{% endfor %}{{ s | replace: 'a', s | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..19) %}{% assign s = s | append: s %}{% endfor %}{% assign l = s | split: ',' %}{% for i in (1..10) %}{% assign l = l | concat: l %}{% endfor %}{{ l | join: '' | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..19) %}{% assign s = s | append: s %}{% endfor %}{% assign l = s | split: ',' %}{% for i in (1..10) %}{% assign l = l | concat: l %}{% endfor %}{{ l | json | size }}")]
    [InlineData("{% assign s = 'a' %}{% for i in (1..30) %}{% assign l = s | split: ',' %}{% for j in (1..30) %}{% assign l = l | concat: l %}{% endfor %}{% endfor %}{{ l | size }}")]
    public async Task RenderAsync_DoublingTemplate_StoppedNamingNodeAndLimit(string source)
    {
        const string Field = "nodes/shape/config/value";
        var template = Template.Parse(source, Field);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope()));

        Assert.StartsWith(Field + ": template failed:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(ChatFlows:Sandbox:", ex.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, AllocationBudget);
    }

    [Fact]
    public async Task EvaluateAsync_ListOfLongStrings_RefusedAsJson()
    {
        const string Source = "{% assign s = 'a' %}{% for i in (1..19) %}{% assign s = s | append: s %}{% endfor %}"
            + "{% assign l = s | split: ',' %}{% for i in (1..10) %}{% assign l = l | concat: l %}{% endfor %}{{ l }}";
        var template = Template.Parse("{{ data.list }}", "nodes/shape/config/value");
        var list = Template.Parse(Source, "nodes/shape/config/value");

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await list.RenderAsync(new TestScope()));

        Assert.Contains("ChatFlows:Sandbox:MaxStringLength", ex.Message, StringComparison.Ordinal);
        Assert.Equal("[1,2]", (await template.EvaluateAsync(new TestScope(data: """{"list": [1, 2]}"""))).GetRawText());
    }

    [Fact]
    public async Task RenderAsync_ValuesWithinTheLimit_StillWork()
    {
        var template = Template.Parse(
            "{% assign s = 'ab' %}{% for i in (1..10) %}{% assign s = s | append: s %}{% endfor %}{% capture c %}{{ s }}!{% endcapture %}"
            + "{{ c | size }} {{ s | replace: 'a', 'xy' | size }} {{ 'a,b' | split: ',' | join: '-' }} {{ 'x' | prepend: 'w' }}",
            "nodes/shape/config/value");

        Assert.Equal("2049 3072 a-b wx", await template.RenderAsync(new TestScope()));
    }

    [Fact]
    public async Task RenderAsync_StringLimitOption_Applies()
    {
        var limits = new SandboxOptions { MaxStringLength = 1_000 };
        var template = Template.Parse("{% assign s = 'a' %}{% for i in (1..10) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", "nodes/shape/config/value", limits);

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope()));

        Assert.Contains("1,024 characters long; the limit is 1,000 (ChatFlows:Sandbox:MaxStringLength)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_TemplateTimeoutOption_StopsALongRendering()
    {
        var limits = new SandboxOptions { TemplateTimeout = TimeSpan.FromMilliseconds(1), TemplateMaxSteps = 100_000_000 };
        var template = Template.Parse("{% for i in (1..1000000) %}{% assign x = i | plus: 1 %}{% endfor %}", "nodes/shape/config/value", limits);

        var ex = await Assert.ThrowsAsync<ExpressionException>(async () => await template.RenderAsync(new TestScope()));

        Assert.Contains("longer than 1 ms (ChatFlows:Sandbox:TemplateTimeout)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderAsync_Secrets_AreNotAVariable()
    {
        var template = Template.Parse("[{{ secrets.API_TOKEN }}][{{ secrets.API_TOKEN | base64_encode }}][{{ secrets }}]", "nodes/shape/config/value");

        Assert.Equal("[][][]", await template.RenderAsync(new SecretScope()));
    }

    private sealed class SecretScope : RunScope
    {
        private readonly TestScope _inner = new();

        public override System.Text.Json.JsonElement Trigger => _inner.Trigger;

        public override IEnumerable<KeyValuePair<string, System.Text.Json.JsonElement>> Data => _inner.Data;

        public override System.Text.Json.JsonElement Run => _inner.Run;

        public override bool TryGetData(string key, out System.Text.Json.JsonElement value) => _inner.TryGetData(key, out value);

        public override bool TryGetSecret(string name, out string value)
        {
            value = "tok-secret-value";
            return true;
        }
    }
}
