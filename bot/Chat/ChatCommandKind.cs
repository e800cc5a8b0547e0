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
}
