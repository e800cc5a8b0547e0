using ChatFlows.Core.Audit;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>The audit log (README §Audit log): its table, its retention settings and the service that prunes it.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>Registers the database audit log and its pruning, which starts after the schema is migrated.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidation>();
        services.AddSingleton<IAuditLog>(sp => new DatabaseAuditLog(
            sp.GetRequiredService<ChatFlows.Core.Storage.StoreDatabase>(), sp.GetRequiredService<ChatFlows.Core.Storage.IRunStore>() as ChatFlows.Core.Storage.Relational.RelationalRunStore));
        services.AddSingleton(sp => new AuditPruner(
            sp.GetRequiredService<IAuditLog>(), sp.GetRequiredService<IOptions<AuditOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AuditPruner>>()));
        services.AddHostedService<AuditRetentionService>();
        return services;
    }
}

/// <summary>Runs the <see cref="AuditPruner"/> for the life of the host, apart from run pruning.</summary>
internal sealed class AuditRetentionService(AuditPruner pruner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pruner.ExecuteAsync(stoppingToken);
}
