using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ChatFlows.Canvas.Api;

/// <summary>What every server-sent event stream of the host shares: the keep-alive while nothing happens.</summary>
public static class EventStream
{
    /// <summary>How long a stream stays silent before a keep-alive comment, so proxies do not close it.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>Sends the headers of an event stream, unbuffered, so each event reaches the client when it is written.</summary>
    public static Task StartAsync(HttpContext httpContext, CancellationToken ct)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return response.StartAsync(ct);
    }

    /// <summary>
    /// Waits until <paramref name="reader"/> has items, writing a keep-alive comment after every
    /// <see cref="KeepAliveInterval"/> of silence; false once the reader has completed.
    /// </summary>
    public static async Task<bool> WaitForItemsAsync<T>(ChannelReader<T> reader, HttpResponse response, TimeProvider time, CancellationToken ct)
    {
        var next = reader.WaitToReadAsync(ct).AsTask();
        while (true)
        {
            try
            {
                // WaitToReadAsync takes nothing from the queue, so a wait cut short by the keep-alive loses no item.
                return await next.WaitAsync(KeepAliveInterval, time, ct);
            }
            catch (TimeoutException)
            {
                await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
            }
        }
    }
}
