namespace ChatFlows.Core.Nodes;

/// <summary>Settings of the built-in nodes.</summary>
public sealed class BuiltInNodeOptions
{
    /// <summary>
    /// Delays up to this long are awaited in place; longer ones suspend the run on a timed bookmark so that it
    /// holds no thread or memory while it waits.
    /// </summary>
    public TimeSpan InlineDelayLimit { get; set; } = TimeSpan.FromSeconds(5);
}
