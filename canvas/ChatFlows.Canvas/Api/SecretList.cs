using ChatFlows.Core.Secrets;

namespace ChatFlows.Canvas.Api;

/// <summary><c>GET /api/secrets</c>: names, sources and dates of every secret; never values.</summary>
internal sealed record SecretList(IReadOnlyList<SecretInfo> Items);
