using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Bot.Webhooks;

/// <summary>How webhook requests are taken (<c>ChatFlows:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Largest body accepted, in bytes; larger requests get 413 and start nothing.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "ChatFlows:Webhooks:MaxBodyBytes must be at least 1.")]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a caller of a workflow with a <c>respond</c> output is kept waiting for it; after that it gets
    /// 202 with the run id, and the run goes on.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far the <c>X-ChatFlows-Timestamp</c> of a timestamped signature may be from the host's clock, either way;
    /// a timestamped signature is taken once within it.
    /// </summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);
}
