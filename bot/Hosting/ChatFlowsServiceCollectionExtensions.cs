using ChatFlows.Bot.Connections;
using ChatFlows.Bot.Knowledge;
using ChatFlows.Bot.Mail;
using ChatFlows.Bot.Secrets;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Github;
using ChatFlows.Core.Http;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Scheduling;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Sql;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Telemetry;
using ChatFlows.Core.Testing;
using ChatFlows.Core.Widgets;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Registers the engine, the stores, the run queue and the background services that drive them.</summary>
public static class ChatFlowsServiceCollectionExtensions
{
    /// <summary>Adds everything runs need: storage (migrated at start-up), engine, queue, worker, scheduler, retention.</summary>
    public static IServiceCollection AddChatFlowsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStorage();
        services.AddOptions<RunWorkerOptions>().BindConfiguration("ChatFlows:Runs")
            .Validate(o => o.Concurrency > 0, "ChatFlows:Runs:Concurrency must be at least 1.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "ChatFlows:Runs:LeaseDuration must be at least 00:00:01.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "ChatFlows:Runs:PollInterval must be positive.")
            .Validate(o => o.PruneInterval >= TimeSpan.FromSeconds(1) && o.PruneInterval <= TimeSpan.FromDays(30), "ChatFlows:Runs:PruneInterval must be between 00:00:01 and 30.00:00:00.")
            .Validate(o => o.MaxSubworkflowDepth is >= 1 and <= 64, "ChatFlows:Runs:MaxSubworkflowDepth must be from 1 to 64.")
            .Validate(o => o.MaxOutputBytes is >= 1024 and <= 64 * 1024 * 1024, "ChatFlows:Runs:MaxOutputBytes must be from 1024 (1 KiB) to 67108864 (64 MiB).")
            .ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration("ChatFlows:Schedules")
            .Validate(o => o.RefreshInterval >= TimeSpan.FromSeconds(1) && o.RefreshInterval <= TimeSpan.FromDays(1), "ChatFlows:Schedules:RefreshInterval must be between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();

        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HttpToolOptions>().BindConfiguration(HttpToolOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // A missing profile only fails agent nodes; a profile that is configured wrongly stops the host, naming the key.
        services.AddOptions<Dictionary<string, ModelProfile>>().BindConfiguration(ModelProfiles.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, ModelProfile>>, ModelProfilesValidation>();

        services.AddSingleton(TimeProvider.System);
        // Workspaces and what their workflows may use (README §Workspaces and roles); the audit log is added by AddAudit.
        services.AddSingleton<IWorkspaceStore, DatabaseWorkspaceStore>();
        services.AddSingleton(sp => new WorkspacePolicies(
            sp.GetRequiredService<IWorkspaceStore>(), sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<IAgentStore>(), sp.GetRequiredService<NodeRegistry>(),
            sp.GetRequiredService<ConnectionRegistry>()));
        services.AddSingleton(sp => NodeRegistry.CreateDefault(new BuiltInNodeOptions
        {
            Agents = sp.GetRequiredService<IAgentStore>(),
            Http = sp.GetRequiredService<IOptions<HttpToolOptions>>().Value,
            Sandbox = sp.GetRequiredService<IOptions<SandboxOptions>>().Value,
            AgentRunner = sp.GetRequiredService<AgentRunner>(),
            Chat = sp.GetRequiredService<ChatChannels>(),
            Connections = sp.GetRequiredService<ConnectionRegistry>(),
            Databases = sp.GetRequiredService<SqlDatabases>(),
            Github = sp.GetRequiredService<GithubApi>(),
            Subworkflows = sp.GetRequiredService<QueuedSubworkflows>(),
            Knowledge = sp.GetRequiredService<ChatFlows.Core.Knowledge.KnowledgeBases>(),
            MaxSubworkflowDepth = sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.MaxSubworkflowDepth,
            Widgets = sp.GetRequiredService<IWidgetStore>(),
            ApprovalEmailLists = sp.GetRequiredService<IOptions<ApprovalOptions>>().Value.EmailLists,
            Workspaces = sp.GetRequiredService<IWorkspaceStore>(),
        }));
        services.AddSingleton<RunEventStream>();
        services.AddSingleton(sp => new ModelProfiles(sp.GetRequiredService<IOptions<Dictionary<string, ModelProfile>>>().Value));
        services.AddSingleton(sp => new GuardedHttpClient(sp.GetRequiredService<IOptions<HttpToolOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        // One pool of database connections for tool/sql nodes and the sql_query tool.
        services.AddSingleton<SqlDatabases>();
        services.AddSingleton<GithubApi>();
        services.AddSingleton(sp => new AgentToolCatalog(sp.GetRequiredService<TimeProvider>())
            .AddHttpGet(sp.GetRequiredService<GuardedHttpClient>())
            .AddSqlQuery(sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<SqlDatabases>())
            .AddGithub(sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<GithubApi>())
            .AddSendEmail(sp.GetRequiredService<ConnectionRegistry>()));
        // Tool sources (IAgentToolSource: workflows, MCP servers, knowledge) are registered by their areas.
        services.AddWorkflowTools();
        services.AddMcp();
        services.AddSingleton(sp => new AgentRunner(
            sp.GetRequiredService<ModelProfiles>(), sp.GetRequiredService<AgentToolCatalog>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(),
            sp.GetServices<IAgentToolSource>()));
        services.AddSingleton(sp => new AgentValidator(
            sp.GetRequiredService<ModelProfiles>().All.Select(p => p.Name), sp.GetRequiredService<AgentToolCatalog>().Tools.Select(t => t.Name),
            sp.GetRequiredService<ConnectionRegistry>(), sp.GetServices<IAgentToolSource>()));
        // Loaded at start-up and refreshed with the stored secrets (SecretsRefreshService).
        services.AddSingleton(sp => new ConnectionRegistry(ConfiguredConnections.Read(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<IConnectionStore>()));
        // Chat adapters register their IChatChannel; messages to a platform without one fail with a message naming its settings.
        services.AddSingleton(sp => new ChatChannels(sp.GetServices<IChatChannel>(), cardThreads: sp.GetService<ICardThreads>()));
        // Lazily: the starter needs the plans, which need the registry that holds this launcher.
        services.AddSingleton(sp => new QueuedSubworkflows(sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<WorkflowPlans>, sp.GetRequiredService<RunStarter>, sp.GetRequiredService<IWorkspaceStore>()));
        services.AddSingleton(sp => new WorkflowEngine(
            sp.GetRequiredService<NodeRegistry>(), sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RunEventStream>(), sp.GetRequiredService<ILoggerFactory>(), secrets: sp.GetRequiredService<SecretVault>(),
            maxOutputBytes: sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.MaxOutputBytes));
        services.AddSingleton<WorkflowPlans>();
        // README §Test a node and §Replay a run.
        services.AddSingleton(sp => new NodeTester(sp.GetRequiredService<NodeRegistry>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SecretVault>()));
        services.AddSingleton(sp => new RunReplays(sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<WorkflowPlans>(), sp.GetRequiredService<RunQueue>()));
        services.AddSingleton(sp => new WorkflowSetup(
            sp.GetRequiredService<WorkflowEngine>(), sp.GetRequiredService<IAgentStore>(), sp.GetRequiredService<ModelProfiles>(), sp.GetRequiredService<SecretVault>()));
        services.AddSingleton(sp =>
        {
            var queue = new RunQueue(
                sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value,
                sp.GetRequiredService<IClusterBus>());
            // Its depth and the store's waiting runs are what the queue gauges report (README §Telemetry); they
            // are read only when something collects metrics, never while the host is being built.
            RunMetrics.Observe(queue, sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<TimeProvider>());
            return queue;
        });
        services.AddSingleton<RunWorker>();
        services.AddApprovals();
        services.AddSingleton(sp => new RunStarter(
            sp.GetRequiredService<WorkflowPlans>(), sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<RunQueue>(), sp.GetRequiredService<IRunStore>(),
            sp.GetRequiredService<ChatFlows.Core.Audit.IAuditLog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Scheduler(
            sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<RunStarter>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<ILogger<Scheduler>>()));
        services.AddSingleton(sp => new RunPruner(
            sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RunPruner>>()));

        // Hosted services start in this order: the schema first, then whatever reads it.
        services.AddHostedService<StorageMigrationService>();
        services.AddSecrets(configuration);
        services.AddOptions<SampleOptions>().BindConfiguration(SampleOptions.SectionName);
        services.AddHostedService<SampleSeeder>();
        services.AddHostedService<RunWorkerService>();
        services.AddHostedService<SchedulerService>();
        services.AddHostedService<ApprovalLifecycleService>();
        services.AddMail();
        services.AddKnowledge();
        services.AddHostedService<RetentionService>();
        // The database audit log replaces the in-memory one registered above; it prunes after the schema is migrated.
        services.AddAudit();
        services.AddHostedService<StartupBanner>();
        services.AddHostedService<IdleMemoryTrim>();
        return services;
    }
}
