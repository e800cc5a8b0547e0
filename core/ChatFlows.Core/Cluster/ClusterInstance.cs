namespace ChatFlows.Core.Cluster;

/// <summary>
/// The one home of an instance's name: it owns run leases (<c>ChatFlows:Runs:InstanceId</c>) and signs the notices
/// it publishes, so both must be the same string.
/// </summary>
public static class ClusterInstance
{
    /// <summary>The configured name, or one made from the machine name, process id and a random suffix.</summary>
    public static string Name(string? configured) =>
        !string.IsNullOrWhiteSpace(configured) ? configured : $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
