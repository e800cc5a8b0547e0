namespace ChatFlows.Bot.Teams;

/// <summary>
/// Work a Teams activity starts but is answered before (the Connector waits about 15 seconds): carried on after the answer,
/// stopped with the host, and logged with what it was for when it fails.
/// </summary>
public sealed partial class TeamsBackgroundWork(IHostApplicationLifetime lifetime, ILogger<TeamsBackgroundWork> logger)
{
    /// <summary>Starts <paramref name="work"/>; <paramref name="what"/> names it in the log if it fails.</summary>
    public void Run(string what, Func<CancellationToken, Task> work)
    {
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                await work(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The host is stopping.
            }
            catch (Exception e)
            {
                LogFailed(e, what);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams: {What} failed")]
    private partial void LogFailed(Exception exception, string what);
}
