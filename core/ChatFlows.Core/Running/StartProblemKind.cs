namespace ChatFlows.Core.Running;

/// <summary>Why a run was not started.</summary>
public enum StartProblemKind
{
    /// <summary>There is no workflow with that id.</summary>
    UnknownWorkflow,

    /// <summary>The workflow has no such trigger, or none that can start this way.</summary>
    UnknownTrigger,

    /// <summary>The stored workflow no longer validates (an agent was deleted, a rule tightened): fix and save it.</summary>
    InvalidWorkflow,

    /// <summary>The trigger payload is not what the trigger takes.</summary>
    InvalidPayload,

    /// <summary>The arguments (<c>trigger.args</c>) do not fit the manual trigger's input schema; the path names the argument.</summary>
    InvalidInput,

    /// <summary>The schedule tick was already claimed by another instance; the run it started is the one.</summary>
    AlreadyStarted,
}
