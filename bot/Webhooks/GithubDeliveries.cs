using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// GitHub's webhook deliveries (README §GitHub webhooks): signed with <c>X-Hub-Signature-256</c>, named by
/// <c>X-GitHub-Event</c> and identified by <c>X-GitHub-Delivery</c>. A delivery starts at most one run per workflow,
/// claimed by its delivery id in the transaction that stores the run, so a redelivery (GitHub's "Redeliver", or a
/// retry after a timeout) starts nothing, on any instance.
/// </summary>
public static class GithubDeliveries
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";

    /// <summary>The event GitHub sends when a webhook is created; it is answered, never run.</summary>
    public const string Ping = "ping";

    /// <summary>The header value GitHub sends for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>True when the request's <c>X-Hub-Signature-256</c> signs <paramref name="body"/> with <paramref name="secret"/> (constant time).</summary>
    public static bool IsSigned(HttpRequest request, string secret, ReadOnlySpan<byte> body) =>
        WebhookSignature.IsValid(secret, body, request.Headers[SignatureHeader].ToString());

    /// <summary>
    /// Reads a verified delivery: its event, its id and its payload, which is GitHub's JSON body (sent as
    /// <c>application/json</c>, or as the <c>payload</c> form field) with <c>event</c> and <c>delivery</c> added.
    /// </summary>
    public static bool TryRead(HttpRequest request, byte[] body, [NotNullWhen(true)] out Delivery? delivery, [NotNullWhen(false)] out string? problem)
    {
        delivery = null;
        var gitHubEvent = request.Headers[EventHeader].ToString().Trim();
        var id = request.Headers[DeliveryHeader].ToString().Trim();
        if (gitHubEvent.Length == 0 || gitHubEvent.Length > 100)
        {
            problem = $"A GitHub delivery names its event in {EventHeader}; this request has none.";
            return false;
        }
        if (id.Length == 0 || id.Length > 200)
        {
            problem = $"A GitHub delivery carries its id in {DeliveryHeader}; this request has none.";
            return false;
        }
        if (!TryParsePayload(request, body, out var payload, out problem)) return false;
        payload["event"] = gitHubEvent;
        payload["delivery"] = id;
        delivery = new Delivery(gitHubEvent, id, JsonSerializer.SerializeToElement(payload));
        return true;
    }

    /// <summary>
    /// Starts <paramref name="target"/> from <paramref name="trigger"/> for <paramref name="delivery"/>, claimed by the
    /// delivery id for this workflow: a delivery that already started a run of it gives that run, marked duplicate.
    /// </summary>
    public static async Task<Started> StartAsync(StartTarget target, WebhookTrigger trigger, Delivery delivery, RunStarter starter, IRunStore runs, CancellationToken ct)
    {
        var claim = new StartClaim($"github:{target.WorkflowId}", delivery.Id);
        var request = new RunRequest { Trigger = delivery.Payload, TriggerNodeId = trigger.NodeId, StartedBy = "github" };
        switch (await starter.StartAsync(target, request, new StartOptions { Claim = claim, Origin = new AuditOrigin("github", AuditSurfaces.Webhook) }, ct))
        {
            case StartOutcome.Refused { Kind: StartProblemKind.AlreadyStarted }:
                return new Started(target.WorkflowId, await runs.ClaimedRunAsync(claim, ct), Duplicate: true, null);
            case StartOutcome.Refused refused:
                return new Started(target.WorkflowId, null, Duplicate: false, refused.Describe());
            case var outcome:
                return new Started(target.WorkflowId, outcome.StartedRunId, Duplicate: false, null);
        }
    }

    private static bool TryParsePayload(HttpRequest request, byte[] body, [NotNullWhen(true)] out JsonObject? payload, [NotNullWhen(false)] out string? problem)
    {
        payload = null;
        var json = body;
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
            if (!form.TryGetValue("payload", out var field) || field.Count != 1)
            {
                problem = "A form-encoded GitHub delivery carries its JSON in the payload field; this one has none. Set the webhook's content type to application/json.";
                return false;
            }
            json = Encoding.UTF8.GetBytes(field.ToString());
        }
        if (!RequestBody.TryParseJson(json, out var value, out problem)) return false;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problem = "A GitHub delivery's body must be a JSON object.";
            return false;
        }
        payload = JsonObject.Create(value)!;
        return true;
    }

    /// <summary>A verified delivery: its event, its id, and the run's trigger payload.</summary>
    public sealed record Delivery(string Event, string Id, JsonElement Payload);

    /// <summary>What a delivery did to one workflow: the run it started (or had started, <paramref name="Duplicate"/>), or why none.</summary>
    public sealed record Started(string WorkflowId, string? RunId, bool Duplicate, string? Problem);
}
