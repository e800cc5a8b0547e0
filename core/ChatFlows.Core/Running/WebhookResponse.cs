using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>What a run's <c>output/respond</c> node answered: an HTTP status and an optional JSON body.</summary>
public sealed record WebhookResponse(int Status, JsonElement? Body);
