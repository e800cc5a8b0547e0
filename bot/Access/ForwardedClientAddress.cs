using Microsoft.AspNetCore.HttpOverrides;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Who the caller is when a reverse proxy on this machine forwards the request: the address it names in
/// <c>X-Forwarded-For</c> (only loopback proxies are believed). An <c>X-Forwarded-For</c> left unread, because it does
/// not parse or names more hops than are trusted, leaves the caller unknown instead of the proxy's loopback address, so
/// it never counts as this machine (README §Security).
/// </summary>
public static class ForwardedClientAddress
{
    /// <summary>Applies <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, then forgets the loopback address of a proxy whose header was not understood.</summary>
    public static IApplicationBuilder UseForwardedClientAddress(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        return app.Use((http, next) =>
        {
            // The forwarded-headers middleware removes what it applied; anything still there was not applied.
            if (http.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote)
                && !string.IsNullOrWhiteSpace(http.Request.Headers[ForwardedHeadersDefaults.XForwardedForHeaderName].ToString()))
            {
                http.Connection.RemoteIpAddress = null;
            }
            return next(http);
        });
    }
}
