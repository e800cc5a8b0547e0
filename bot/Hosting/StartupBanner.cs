using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatFlows.Bot.Hosting;

/// <summary>Tells the person who started the host where to open the canvas, the Playground and the API, and which database it uses.</summary>
internal sealed class StartupBanner(IServer server, IHostApplicationLifetime lifetime, StoreDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null) return;
            var root = address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).TrimEnd('/');
            Console.WriteLine($"""

                ChatFlows is running.
                  Dashboard:   {root}/   (workflows, agents; open one to edit it on the canvas)
                  Playground:  {root}/playground   (type /run standup-digest)
                  Runs:        {root}/runs
                  API:         {root}/api/workflows
                  Health:      {root}/healthz
                  Database:    {database.Description}
                Press Ctrl+C to stop.

                """);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
