using ChatFlows.Core.Connections;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Bot.Secrets;

/// <summary>
/// Loads the stored secrets and connections (README §Connections) once the schema is ready, and again every minute,
/// so that secrets and connections saved through another instance reach this one's runs.
/// </summary>
internal sealed partial class SecretsRefreshService(SecretVault vault, ConnectionRegistry connections, TimeProvider time, ILogger<SecretsRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Runs that start right after start-up must already see the stored secrets and connections.
        await vault.LoadAsync(cancellationToken);
        await connections.LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await vault.LoadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRefreshFailed(ex);
                }
                try
                {
                    await connections.LoadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogConnectionsRefreshFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading secrets failed; runs keep the values loaded before")]
    private partial void LogRefreshFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading connections failed; runs keep the connections loaded before")]
    private partial void LogConnectionsRefreshFailed(Exception error);
}
