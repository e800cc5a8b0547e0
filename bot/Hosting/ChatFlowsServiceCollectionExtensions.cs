using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Scheduling;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Registers the engine, the SQLite stores, the run queue and the background services that drive them.</summary>
public static class ChatFlowsServiceCollectionExtensions
{
    /// <summary>Adds everything runs need: storage (migrated at start-up), engine, queue, worker, scheduler, retention.</summary>
    public static IServiceCollection AddChatFlowsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("ChatFlows:Storage").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RunWorkerOptions>().BindConfiguration("ChatFlows:Runs")
            .Validate(o => o.Concurrency > 0, "ChatFlows:Runs:Concurrency must be at least 1.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "ChatFlows:Runs:LeaseDuration must be at least 00:00:01.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "ChatFlows:Runs:PollInterval must be positive.")
            .Validate(o => o.PruneInterval >= TimeSpan.FromSeconds(1) && o.PruneInterval <= TimeSpan.FromDays(30), "ChatFlows:Runs:PruneInterval must be between 00:00:01 and 30.00:00:00.")
            .ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration("ChatFlows:Schedules")
            .Validate(o => o.RefreshInterval >= TimeSpan.FromSeconds(1) && o.RefreshInterval <= TimeSpan.FromDays(1), "ChatFlows:Schedules:RefreshInterval must be between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => NodeRegistry.CreateDefault());
        services.AddSingleton<RunEventStream>();
        services.AddSingleton(sp => new SqliteDatabase(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, sp.GetRequiredService<ILogger<SqliteDatabase>>()));
        services.AddSingleton<IWorkflowStore, SqliteWorkflowStore>();
        services.AddSingleton<IRunStore, SqliteRunStore>();
        services.AddSingleton(sp => new WorkflowEngine(
            sp.GetRequiredService<NodeRegistry>(), sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RunEventStream>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<WorkflowPlans>();
        services.AddSingleton(sp => new RunQueue(
            sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value));
        services.AddSingleton<RunWorker>();
        services.AddSingleton(sp => new Scheduler(
            sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<WorkflowPlans>(),
            sp.GetRequiredService<RunQueue>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<ILogger<Scheduler>>()));
        services.AddSingleton(sp => new RunPruner(
            sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunPruner>>()));

        // Hosted services start in this order: the schema first, then whatever reads it.
        services.AddHostedService<StorageMigrationService>();
        services.AddHostedService<RunWorkerService>();
        services.AddHostedService<SchedulerService>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
