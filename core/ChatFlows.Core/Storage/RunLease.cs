namespace ChatFlows.Core.Storage;

/// <summary>A run this instance has just claimed, with the lease epoch its journal writes must name.</summary>
/// <param name="RunId">The claimed run.</param>
/// <param name="Epoch">The run's lease epoch after the claim (README §Running several instances).</param>
public sealed record RunLease(string RunId, long Epoch);
