namespace ChatFlows.Bot.Chat;

/// <summary>
/// Work a chat platform's request starts but is answered before (Slack waits 3 seconds at most, the Bot Framework
/// about 15): carried on after the answer, stopped with the host, and logged with what it was for when it fails.
/// </summary>
public sealed partial class ChatBackgroundWork(IHostApplicationLifetime lifetime, ILogger<ChatBackgroundWork> logger)
{
    /// <summary>Starts <paramref name="work"/>; <paramref name="what"/> names it (and its platform) in the log if it fails.</summary>
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

    [LoggerMessage(Level = LogLevel.Error, Message = "{What} failed")]
    private partial void LogFailed(Exception exception, string what);
}
