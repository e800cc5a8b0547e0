using ChatFlows.Core.Running;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Core.Tests.Http;

/// <summary>Retries, Retry-After, timeouts and the response size cap.</summary>
public sealed partial class HttpNodeTests
{
    [Fact]
    public async Task StartAsync_503WithRetryAfterThenSuccess_RetriesAfterTheWaitAndSucceeds()
    {
        var calls = 0;
        _server.Map("/flaky", (context, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "2";
                return Task.CompletedTask;
            }
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"ok": true}""");
        });

        var running = StartFetch($$""" "url": "{{_server.Url("/flaky")}}" """);
        await _server.ArrivalAsync("/flaky");
        await _time.TimerStartedAsync(TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(2));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.Node("fetch").Output!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(2, _server.Received("/flaky").Count);
    }

    [Fact]
    public async Task StartAsync_429WithRetryAfter_RetryWaitsForTheHeadersSeconds()
    {
        var calls = 0;
        _server.Map("/limited", (context, _) =>
        {
            if (Interlocked.Increment(ref calls) > 1) return context.Response.WriteAsync("done");
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "7";
            return Task.CompletedTask;
        });

        var running = StartFetch($$""" "url": "{{_server.Url("/limited")}}" """);
        await _server.ArrivalAsync("/limited");
        var wait = await _time.TimerStartedOtherThanAsync(AttemptTimeout);
        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        var (callsBeforeTheWaitIsOver, doneBeforeTheWaitIsOver) = (_server.Received("/limited").Count, running.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(TimeSpan.FromSeconds(7), wait);
        Assert.Equal((1, false), (callsBeforeTheWaitIsOver, doneBeforeTheWaitIsOver));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("done", run.Node("fetch").Output!.Value.GetString());
        Assert.Equal(2, _server.Received("/limited").Count);
    }

    [Fact]
    public async Task StartAsync_RetryAfterLongerThanTheCap_FailsAtOnceSayingSo()
    {
        _server.Map("/busy", (context, _) =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "3600";
            return context.Response.WriteAsync("maintenance");
        });

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/busy")}}" """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            $"GET {_server.Url("/busy")} answered 503 Service Unavailable and asked to retry after 1 h, longer than ChatFlows:Http:MaxRetryAfter allows, so it was not retried: maintenance",
            run.Error!.Message);
        Assert.Single(_server.Received("/busy"));
    }

    [Fact]
    public async Task StartAsync_PostAnswered500_IsNotRetried()
    {
        _server.Map("/orders", 500, "database on fire", "text/plain");

        var run = await RunFetchAsync($$""" "method": "POST", "url": "{{_server.Url("/orders")}}", "body": {"n": 1} """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal($"POST {_server.Url("/orders")} answered 500 Internal Server Error: database on fire", run.Error!.Message);
        Assert.Single(_server.Received("/orders"));
    }

    [Fact]
    public async Task StartAsync_GetAnswered500_IsRetriedUpToTheNodesRetries()
    {
        _server.Map("/broken", 500, "still broken", "text/plain");

        var running = StartFetch($$""" "url": "{{_server.Url("/broken")}}", "retries": 1 """);
        await _server.ArrivalAsync("/broken");
        var backoff = await _time.TimerStartedOtherThanAsync(AttemptTimeout);
        _time.Advance(backoff);
        var run = await running.WaitAsync(Patience);

        Assert.InRange(backoff, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal($"GET {_server.Url("/broken")} answered 500 Internal Server Error (after 2 attempts): still broken", run.Error!.Message);
        Assert.Equal(2, _server.Received("/broken").Count);
    }

    [Fact]
    public async Task StartAsync_ServerSlowerThanTheRequestTimeout_FailsNamingTheTimeout()
    {
        _server.Map("/slow", (context, _) => Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted));

        var running = StartFetch($$""" "url": "{{_server.Url("/slow")}}", "requestTimeout": "PT5S", "retries": 0 """);
        await _server.ArrivalAsync("/slow");
        _time.Advance(TimeSpan.FromSeconds(5));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal($"GET {_server.Url("/slow")} timed out after 5 s.", run.Error!.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StartAsync_BodyLargerThanMaxResponseBytes_FailsNamingTheUrlAndTheCap(bool declaresLength)
    {
        _server.Map("/big", async (context, _) =>
        {
            if (declaresLength) context.Response.ContentLength = 4096;
            // Written in pieces, so that without a Content-Length the cap is found while reading.
            for (var i = 0; i < 4; i++)
            {
                await context.Response.WriteAsync(new string('x', 1024));
                await context.Response.Body.FlushAsync();
            }
        });
        var options = LocalOnly;
        options.MaxResponseBytes = 2048;

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/big")}}" """, options);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            declaresLength
                ? $"GET {_server.Url("/big")} answered with 4 KiB, more than the 2 KiB ChatFlows:Http:MaxResponseBytes allows."
                : $"GET {_server.Url("/big")} answered with more than the 2 KiB ChatFlows:Http:MaxResponseBytes allows.",
            run.Error!.Message);
    }
}
