using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// Makes a test host treat a request carrying <see cref="Header"/> as coming from that address, as if it had crossed a
/// network: the only way to play another machine while every byte stays on loopback. Runs before the host's middleware.
/// </summary>
public sealed class RemoteAddressOverride : IStartupFilter
{
    /// <summary>The request header whose value becomes the caller's address.</summary>
    public const string Header = "X-Test-Remote-Address";

    /// <summary>An address of another machine (TEST-NET-3).</summary>
    public const string OtherMachine = "203.0.113.7";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var address)) http.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            return nextMiddleware(http);
        });
        next(app);
    };
}
