using ChatFlows.Core.Audit;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Stops the host at start-up when the audit log would forget sooner than the runs it tells of (README §Audit log):
/// <c>ChatFlows:Audit:RetainFor</c> is at least <c>ChatFlows:Runs:RetainFor</c>, or 0 to keep entries forever.
/// </summary>
internal sealed class AuditOptionsValidation(IOptions<RunWorkerOptions> runs) : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var runsRetainFor = runs.Value.RetainFor;
        if (options.RetainFor < TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"ChatFlows:Audit:RetainFor is {options.RetainFor}; it must not be negative (0 keeps audit entries forever).");
        }
        if (options.PruneInterval < TimeSpan.FromSeconds(1) || options.PruneInterval > TimeSpan.FromDays(30))
        {
            return ValidateOptionsResult.Fail("ChatFlows:Audit:PruneInterval must be between 00:00:01 and 30.00:00:00.");
        }
        if (options.RetainFor == TimeSpan.Zero) return ValidateOptionsResult.Success;
        if (runsRetainFor <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail(
                $"ChatFlows:Audit:RetainFor is {options.RetainFor} but runs are kept forever (ChatFlows:Runs:RetainFor is {runsRetainFor}); " +
                "the audit log must keep its entries at least as long as runs: set ChatFlows:Audit:RetainFor to 0 (forever) too.");
        }
        return options.RetainFor < runsRetainFor
            ? ValidateOptionsResult.Fail(
                $"ChatFlows:Audit:RetainFor ({options.RetainFor}) is shorter than ChatFlows:Runs:RetainFor ({runsRetainFor}); " +
                "the audit log must keep its entries at least as long as runs: raise it or shorten run retention.")
            : ValidateOptionsResult.Success;
    }
}
