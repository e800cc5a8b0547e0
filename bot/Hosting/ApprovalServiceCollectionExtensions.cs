using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Approvals (README §Approvals): the one rule every surface decides through, the journal of votes, reminders and
/// escalations, "my approvals", and the clock that sends reminders and escalates. Chat platforms add their
/// <see cref="IApproverGroups"/> and <see cref="IApprovalNotifier"/>.
/// </summary>
public static class ApprovalServiceCollectionExtensions
{
    /// <summary>
    /// Registers approvals and binds <c>ChatFlows:Approvals</c>; the clock's <see cref="ApprovalLifecycleService"/> is
    /// added with the other background services, after the schema is migrated.
    /// </summary>
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.AddOptions<ApprovalOptions>().BindConfiguration("ChatFlows:Approvals")
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1) && o.SweepInterval <= TimeSpan.FromDays(1), "ChatFlows:Approvals:SweepInterval must be between 00:00:01 and 1.00:00:00.")
            .Validate(o => o.Admins.All(a => !string.IsNullOrWhiteSpace(a)), "ChatFlows:Approvals:Admins must not hold empty entries.")
            .ValidateOnStart();
        services.AddSingleton<IApprovalLog>(sp => new DatabaseApprovalLog(sp.GetRequiredService<StoreDatabase>()));
        services.AddSingleton<IApproverGroups>(sp => new EmailListGroups(sp.GetRequiredService<IOptions<ApprovalOptions>>().Value));
        services.AddSingleton(sp => new Approvals(
            sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<RunQueue>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IApprovalLog>(),
            sp.GetRequiredService<RunEventStream>(), sp.GetServices<IApproverGroups>(), sp.GetServices<IApprovalNotifier>(),
            sp.GetRequiredService<IOptions<ApprovalOptions>>().Value, sp.GetRequiredService<ILogger<Approvals>>(), sp.GetRequiredService<ChatFlows.Core.Audit.IAuditLog>()));
        services.AddSingleton(sp => new ApprovalInbox(
            sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<Approvals>(), sp.GetServices<IApproverGroups>()));
        services.AddSingleton(sp => new ApprovalLifecycle(sp.GetRequiredService<Approvals>(), sp.GetRequiredService<ILogger<ApprovalLifecycle>>()));
        return services;
    }
}
