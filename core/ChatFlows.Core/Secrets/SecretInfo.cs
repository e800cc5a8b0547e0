namespace ChatFlows.Core.Secrets;

/// <summary>What may be shown about a secret: its name, where it comes from and when it was set; never its value.</summary>
/// <param name="Name">The name templates use: <c>{{ secrets.NAME }}</c>.</param>
/// <param name="Source"><c>stored</c> (set through the API) or <c>configuration</c> (<c>ChatFlows:Secrets:NAME</c>).</param>
/// <param name="CreatedAt">When it was first stored; null for configured secrets.</param>
/// <param name="UpdatedAt">When it was last set; null for configured secrets.</param>
public sealed record SecretInfo(string Name, string Source, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);
