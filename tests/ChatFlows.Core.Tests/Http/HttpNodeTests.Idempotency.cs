using System.Text.Json;
using ChatFlows.Core.Http;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Http;

/// <summary>The Idempotency-Key header that lets receivers drop a request a crash made the engine send again.</summary>
public sealed partial class HttpNodeTests
{
    [Fact]
    public async Task ContinueAsync_PostReExecutedAfterACrash_SendsTheSameIdempotencyKey()
    {
        _server.Map("/orders", 201, """{"id": 7}""");
        var engine = Engine();
        var plan = engine.Compile(Workflows.Build([HttpNode("post", $$""" "method": "POST", "url": "{{_server.Url("/orders")}}", "body": {"n": 1} """)], ["start->post"]));

        var first = await engine.StartAsync(plan, new RunRequest { RunId = "run-1" }).WaitAsync(Patience);
        // The journal of a process that died after sending, before it recorded the response.
        var restored = new RunState(plan, new RunRequest { RunId = "run-1" }, "run-1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        restored.Node("start").Status = NodeStatus.Succeeded;
        restored.Node("post").Status = NodeStatus.Running;
        restored.Node("post").Attempts = 1;
        // Its journal holds no recorded response, so the node sends again.
        var afterCrash = new WorkflowEngine(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Http = LocalOnly }), new InMemoryRunStore(), _time);
        var again = await afterCrash.ContinueAsync(restored).WaitAsync(Patience);
        var other = await engine.StartAsync(plan, new RunRequest { RunId = "run-2" }).WaitAsync(Patience);

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded, RunStatus.Succeeded), (first.Status, again.Status, other.Status));
        var keys = _server.Received("/orders").Select(r => r.Header(IdempotencyKey.Header)).ToArray();
        Assert.Equal(3, keys.Length);
        Assert.Matches("^\"[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\"$", keys[0]);
        Assert.Equal(keys[0], keys[1]);
        Assert.NotEqual(keys[0], keys[2]);
    }

    [Fact]
    public async Task StartAsync_RetriedPut_EveryAttemptCarriesOneKey()
    {
        var calls = 0;
        _server.Map("/item", (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 500 : 200;
            return Task.CompletedTask;
        });
        var engine = Engine();
        var document = Workflows.Build(
            [HttpNode("put", $$""" "method": "PUT", "url": "{{_server.Url("/item")}}", "body": "x", "retries": 0 """, """, "retry": {"maxAttempts": 2, "initialDelay": "PT0S"} """)],
            ["start->put"]);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest()).WaitAsync(Patience);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var keys = _server.Received("/item").Select(r => r.Header(IdempotencyKey.Header)).ToArray();
        Assert.Equal(2, keys.Length);
        Assert.NotNull(keys[0]);
        Assert.Equal(keys[0], keys[1]);
    }

    [Fact]
    public async Task StartAsync_GetOrAKeyOfTheWorkflowsOwn_SendsNoGeneratedKey()
    {
        _server.Map("/read", 200, "{}");
        _server.Map("/write", 200, "{}");
        var engine = Engine();
        var document = Workflows.Build(
            [
                HttpNode("read", $$""" "url": "{{_server.Url("/read")}}" """),
                HttpNode("write", $$$""" "method": "POST", "url": "{{{_server.Url("/write")}}}", "headers": {"Idempotency-Key": "order-{{ trigger.order }}"} """),
            ],
            ["start->read", "read->write"]);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = JsonElement.Parse("""{"order": 17}""") }).WaitAsync(Patience);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Null(Assert.Single(_server.Received("/read")).Header(IdempotencyKey.Header));
        Assert.Equal("order-17", Assert.Single(_server.Received("/write")).Header(IdempotencyKey.Header));
    }
}
