namespace ChatFlows.Core.Cluster;

/// <summary>
/// What one instance tells the others that share its database (docs/architecture.md §Several instances): a workflow
/// was saved, a run is ready to be claimed, a cancel was asked for, a run event or a Playground post happened.
/// Notices are hints, never the record: whatever they say is also in the database, and polling makes up for a lost
/// one. On SQLite there is only one instance and nothing to tell (<see cref="LocalClusterBus"/>); on PostgreSQL the
/// notices travel by LISTEN/NOTIFY.
/// </summary>
public interface IClusterBus
{
    /// <summary>This instance's name in notices (its run lease owner).</summary>
    string InstanceId { get; }

    /// <summary>True when other instances may be listening; publishers skip building notices otherwise.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Tells every other instance without waiting; never delivered back to this one. A payload longer than
    /// <see cref="ClusterNotice.MaxPayloadBytes"/> is refused whole (<see cref="ArgumentException"/>), never split.
    /// </summary>
    void Publish(ClusterNotice notice);

    /// <summary>Listens to notices of one topic from other instances. Dispose to stop.</summary>
    IDisposable Subscribe(string topic, Action<ClusterNotice> handler);
}

/// <summary>One notice: a topic (<see cref="ClusterTopics"/>) and a small text payload, usually an id or JSON.</summary>
/// <param name="Topic">What it is about.</param>
/// <param name="Payload">Its details; PostgreSQL limits a notice to about 8,000 bytes, so large things travel as ids.</param>
/// <param name="From">The instance that published it (filled in by the bus).</param>
public sealed record ClusterNotice(string Topic, string Payload, string? From = null)
{
    /// <summary>
    /// The largest payload, in UTF-8 bytes, a notice may carry: PostgreSQL refuses notifications of 8,000 bytes or
    /// more, and the topic and sender travel with the payload.
    /// </summary>
    public const int MaxPayloadBytes = 7000;
}

/// <summary>The topics instances tell each other about.</summary>
public static class ClusterTopics
{
    /// <summary>A workflow was created, saved or deleted: payload <c>{"id":…,"version":…}</c> (version null on delete).</summary>
    public const string WorkflowChanged = "workflow";

    /// <summary>Runs are ready to be claimed (queued, decided, due): payload empty.</summary>
    public const string RunsReady = "ready";

    /// <summary>A cancel was asked for: payload the run id.</summary>
    public const string CancelRequested = "cancel";

    /// <summary>A run event for observers elsewhere (SSE, the CLI): payload the event's JSON.</summary>
    public const string RunEvent = "run-event";

    /// <summary>Something changed in the Playground (a post, an edit): payload the feed event's JSON.</summary>
    public const string Playground = "playground";

    /// <summary>
    /// Raised by the bus itself on this instance only, when its listening connection came back after a drop: notices
    /// sent meanwhile are lost, so listeners re-read what they keep (wake the worker, forget cached versions).
    /// </summary>
    public const string Missed = "missed";
}
