namespace ChatFlows.Core.Running;

/// <summary>What became of a click on Approve or Reject.</summary>
public enum ApprovalOutcome
{
    /// <summary>The decision was stored; the run continues with it.</summary>
    Accepted,

    /// <summary>There is no such run.</summary>
    RunNotFound,

    /// <summary>The run has no approval waiting (it never asked, or it ended).</summary>
    NotWaiting,

    /// <summary>Somebody decided first; nothing changed.</summary>
    AlreadyDecided,

    /// <summary>The approval's timeout passed; nothing changed.</summary>
    Expired,

    /// <summary>The person is not one of the approvers; nothing changed.</summary>
    NotAllowed,

    /// <summary>The vote was recorded but the quorum is not reached yet; the approval keeps waiting.</summary>
    Counted,

    /// <summary>The policy requires a comment for this decision and none was given; nothing changed.</summary>
    CommentRequired,

    /// <summary>The request names something that is not valid (a delegate, a reassignment's approvers); the message starts with the field, e.g. <c>to: …</c>.</summary>
    Invalid,
}
