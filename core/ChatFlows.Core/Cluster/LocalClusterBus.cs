namespace ChatFlows.Core.Cluster;

/// <summary>The bus of a single instance (SQLite): there is nobody else to tell, so publishing does nothing.</summary>
public sealed class LocalClusterBus(string instanceId) : IClusterBus
{
    /// <inheritdoc />
    public string InstanceId { get; } = instanceId;

    /// <inheritdoc />
    public bool IsShared => false;

    /// <inheritdoc />
    public void Publish(ClusterNotice notice)
    {
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<ClusterNotice> handler) => NoSubscription.Instance;

    private sealed class NoSubscription : IDisposable
    {
        public static NoSubscription Instance { get; } = new();

        public void Dispose()
        {
        }
    }
}
