using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// The value of an Approve / Reject button: the run and approval node it decides, sealed with the host's Data
/// Protection keys, so a value edited by hand cannot be made to decide another run's approval.
/// </summary>
public sealed class SlackApprovalToken(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("ChatFlows.Slack.ApprovalButton.v1");

    /// <summary>The sealed value for a button deciding approval <paramref name="nodeId"/> of run <paramref name="runId"/>.</summary>
    public string Create(string runId, string nodeId) => _protector.Protect($"{runId}\n{nodeId}");

    /// <summary>Opens a button value; false when it was not made by this host (or was altered).</summary>
    public bool TryRead(string? value, [NotNullWhen(true)] out string? runId, [NotNullWhen(true)] out string? nodeId)
    {
        runId = nodeId = null;
        if (string.IsNullOrEmpty(value)) return false;
        string text;
        try
        {
            text = _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return false;
        }
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline <= 0 || newline == text.Length - 1) return false;
        runId = text[..newline];
        nodeId = text[(newline + 1)..];
        return true;
    }
}
