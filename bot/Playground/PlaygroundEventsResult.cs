using System.Text.Json;
using ChatFlows.Canvas.Api;

namespace ChatFlows.Bot.Playground;

/// <summary>
/// Streams Playground events as server-sent events until the page goes away or the host stops, with a comment
/// every <see cref="EventStream.KeepAliveInterval"/> of silence. Owns the subscription and ends it with the response.
/// </summary>
internal sealed class PlaygroundEventsResult(PlaygroundSubscription subscription, JsonSerializerOptions json, TimeProvider time, CancellationToken stopping) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (subscription)
        {
            // The host shutting down ends the stream too, or it would hold shutdown until its timeout.
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
            var ct = cancellation.Token;
            var response = httpContext.Response;
            try
            {
                await EventStream.StartAsync(httpContext, ct);
                // A first line at once, so the page knows it is connected before anything happens.
                await response.WriteAsync(": connected\n\n", ct);
                await response.Body.FlushAsync(ct);
                await StreamAsync(response, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The page went away or the host is stopping.
            }
        }
    }

    private async Task StreamAsync(HttpResponse response, CancellationToken ct)
    {
        var reader = subscription.Reader;
        while (await EventStream.WaitForItemsAsync(reader, response, time, ct))
        {
            while (reader.TryRead(out var feedEvent))
            {
                // Compact JSON has no line breaks, so one data line carries the whole message.
                await response.WriteAsync($"event: {feedEvent.Type}\ndata: {JsonSerializer.Serialize(feedEvent.Message, json)}\n\n", ct);
            }
            await response.Body.FlushAsync(ct);
        }
    }
}
