namespace ChatFlows.Bot.Chat;

/// <summary>Runs the <see cref="RunCardUpdater"/> for the life of the host.</summary>
public sealed class RunCardService : BackgroundService
{
    private readonly RunCardUpdater _updater;
    private readonly Core.Running.RunEventSubscription _subscription;

    // Subscribed when the host resolves its services, before any hosted service starts a run.
    public RunCardService(RunCardUpdater updater)
    {
        _updater = updater;
        _subscription = updater.Subscribe();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _updater.RunAsync(_subscription, stoppingToken);

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
