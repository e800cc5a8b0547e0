namespace ChatFlows.Bot.Chat;

/// <summary>The §5 commands.</summary>
public enum ChatCommandKind
{
    /// <summary><c>/run &lt;workflow&gt; [args]</c>.</summary>
    Run,

    /// <summary><c>/run list</c>: the workflows chat can start.</summary>
    List,

    /// <summary><c>/run status &lt;run&gt;</c>.</summary>
    Status,

    /// <summary><c>/run cancel &lt;run&gt;</c>.</summary>
    Cancel,

    /// <summary><c>/run help</c>, or <c>/run</c> alone.</summary>
    Help,

    /// <summary><c>/run approvals</c>: the approvals waiting for the person who asks, oldest first.</summary>
    Approvals,

    /// <summary><c>/run delegate &lt;run&gt; [node] to &lt;person&gt;</c>: hands an approval to someone else.</summary>
    Delegate,
}
