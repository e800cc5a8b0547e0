using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace ChatFlows.Bot.Tests.Sandbox;

/// <summary>
/// 64 hostile runs at once through the real host — conditions that call <c>Atomics.wait</c>, loop without end or ask
/// for 512 MiB, and a Liquid doubling loop — each fail quickly naming the node and the limit, while another run
/// completes within its usual latency and the process stays within its memory bound (README §Security).
/// </summary>
[Collection(HostileLoadCollection.Name)]
public sealed class HostileLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How far the process's peak working set may rise above where it was while the 64 runs execute.</summary>
    public const long WorkingSetBound = 512L * 1024 * 1024;

    /// <summary>How far the managed heap may stay above where it was once they ended.</summary>
    public const long HeapBound = 64L * 1024 * 1024;

    private static readonly TimeSpan LatencyBound = TimeSpan.FromSeconds(5);

    private static readonly (string Id, string Node, string Config, string Limit)[] Hostile =
    [
        ("hostile-atomics", "condition", """{"expression": "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000) === 'ok'"}""", "Atomics is not available in conditions"),
        ("hostile-loop", "condition", """{"expression": "(() => { while (true) {} })()"}""", "ChatFlows:Sandbox:Condition"),
        ("hostile-memory", "condition", """{"expression": "'a'.repeat(2 ** 28).length > 0"}""", "ChatFlows:Sandbox:MaxStringLength"),
        ("hostile-liquid", "tool", """{"tool": "transform", "value": "{% assign s = 'a' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}"}""", "ChatFlows:Sandbox:"),
    ];

    private readonly HostFixture _host = new();

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Runs_64HostileEvaluationsAtOnce_OtherRunsKeepTheirLatencyAndMemoryStaysBounded()
    {
        foreach (var (id, type, config, _) in Hostile)
        {
            await _host.CreateWorkflowAsync($$$"""
                {"id": "{{{id}}}", "nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}}, {"id": "bad", "type": "{{{type}}}", "config": {{{config}}} }],
                 "edges": [{"from": "play", "to": "bad"}]}
                """);
        }
        await _host.CreateWorkflowAsync("""
            {"id": "benign", "nodes": [
               {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
               {"id": "add", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.n | plus: 1 }}"}},
               {"id": "big", "type": "condition", "config": {"expression": "data.add > 1"}},
               {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "big"}}],
             "edges": [{"from": "play", "to": "add"}, {"from": "add", "to": "big"}, {"from": "big", "port": "true", "to": "yes"}]}
            """);
        var usual = TimeSpan.Zero;
        for (var i = 0; i < 3; i++) usual = Max(usual, await TimeBenignRunAsync());

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = ResetPeakWorkingSet();
        var started = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => StartAsync(Hostile[i % Hostile.Length])));
        var underLoad = await TimeBenignRunAsync();
        var ended = await Task.WhenAll(started.Select(async s => (s.Expected, Run: await _host.WaitForRunAsync(s.RunId))));
        var peakGrowth = Process.GetCurrentProcess().PeakWorkingSet64 - workingSetBefore;
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

        output.WriteLine($"plain run alone {usual.TotalMilliseconds:0} ms, beside 64 hostile runs {underLoad.TotalMilliseconds:0} ms; peak working set +{peakGrowth / (1024 * 1024)} MiB, heap +{heapGrowth / (1024 * 1024)} MiB");
        foreach (var (expected, run) in ended)
        {
            Assert.Equal("failed", run.GetProperty("status").GetString());
            var message = run.GetProperty("error").GetProperty("message").GetString();
            Assert.Contains("nodes/bad/config/", message, StringComparison.Ordinal);
            output.WriteLine(message);
            Assert.True(message!.Contains(expected, StringComparison.Ordinal), message);
        }
        Assert.True(underLoad < usual + LatencyBound, $"A plain run took {underLoad.TotalMilliseconds:0} ms beside the hostile ones; alone it takes {usual.TotalMilliseconds:0} ms.");
        Assert.True(peakGrowth < WorkingSetBound, $"The peak working set rose by {peakGrowth / (1024 * 1024)} MiB.");
        Assert.True(heapGrowth < HeapBound, $"The managed heap grew by {heapGrowth / (1024 * 1024)} MiB.");
    }

    private async Task<(string RunId, string Expected)> StartAsync((string Id, string Node, string Config, string Limit) workflow) =>
        (await _host.StartRunAsync(workflow.Id), workflow.Limit);

    private async Task<TimeSpan> TimeBenignRunAsync()
    {
        var clock = Stopwatch.StartNew();
        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("benign", """{"n": 2}"""));
        clock.Stop();
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("big", run.GetProperty("data").GetProperty("yes").GetString());
        return clock.Elapsed;
    }

    // Linux keeps the peak resident set since the process started; writing 5 to clear_refs starts it again from
    // now, so the peak read afterwards is this test's. Where that is not allowed, the peak is the process's own.
    private static long ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The bound is then checked against the process's whole life, which is stricter.
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
