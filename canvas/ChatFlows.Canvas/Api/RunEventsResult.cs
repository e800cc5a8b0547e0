using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Streams one run's events as server-sent events: first what the journal shows has happened, then what happens
/// live, until the run finishes. The subscription was taken before the journal was read, so nothing falls between
/// the two; events seen in both are sent once. Owns the subscription and ends it with the response.
/// </summary>
internal sealed class RunEventsResult(
    RunEventSubscription subscription, StoredRun stored, WorkflowDocument? document, IRunStore runs, TimeProvider time, CancellationToken stopping)
    : IResult
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { MaxDepth = StrictJson.StoredMaxDepth };

    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            await StreamAsync(httpContext);
        }
        finally
        {
            subscription.Dispose();
        }
    }

    private async Task StreamAsync(HttpContext httpContext)
    {
        // The host shutting down ends the stream too, or it would hold shutdown until its timeout.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var ct = cancellation.Token;
        var response = httpContext.Response;
        try
        {
            await EventStream.StartAsync(httpContext, ct);
            await WriteAsync(response, RunEventReplay.From(stored, document), ct);
            if (stored.Status.IsTerminal()) return;
            await StreamLiveAsync(response, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the host is stopping.
        }
    }

    private async Task StreamLiveAsync(HttpResponse response, CancellationToken ct)
    {
        var reader = subscription.Reader;
        while (await EventStream.WaitForItemsAsync(reader, response, time, ct))
        {
            var batch = new List<RunEvent>();
            while (reader.TryRead(out var live))
            {
                if (live.Type != RunEventTypes.RunFinished)
                {
                    batch.Add(live);
                    continue;
                }
                // Nodes the runner closes as the run ends (skipped after an end node, failed by a cancel) publish
                // nothing; the journal, complete once run.finished is published, has them.
                if (await runs.GetAsync(stored.Id, ct) is { } final)
                {
                    batch.AddRange(RunEventReplay.From(final, document).Where(e => e.Type != RunEventTypes.RunFinished));
                }
                batch.Add(live);
                await WriteAsync(response, batch, ct);
                return;
            }
            await WriteAsync(response, batch, ct);
        }
    }

    private async Task WriteAsync(HttpResponse response, IEnumerable<RunEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (!_sent.Add(RunEventReplay.KeyOf(e))) continue;
            // Compact JSON has no line breaks, so one data line carries the whole event.
            await response.WriteAsync($"event: {e.Type}\ndata: {JsonSerializer.Serialize(e, JsonOptions)}\n\n", ct);
        }
        await response.Body.FlushAsync(ct);
    }
}
