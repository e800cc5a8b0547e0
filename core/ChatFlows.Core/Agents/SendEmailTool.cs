using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Mail;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// The agent tool <c>send_email</c>: sends Markdown mail through one of the agent's mail connections, as
/// <c>output/email</c> does. The same arguments are sent once per agent node execution: the send is recorded on
/// the node under a hash of them (docs/semantics.md, side effects), so a model that repeats the call, or a node run
/// again after a crash, does not send the message twice.
/// </summary>
public static class SendEmailTool
{
    /// <summary>The tool's name.</summary>
    public const string Name = "send_email";

    /// <summary>Adds <c>send_email</c> to <paramref name="catalog"/>, sending through the connections of <paramref name="connections"/>.</summary>
    public static AgentToolCatalog AddSendEmail(this AgentToolCatalog catalog, ConnectionRegistry connections) => catalog.Add(
        Name,
        "Sends an e-mail (Markdown text) through a mail connection the agent may use.",
        () => KernelFunctionFactory.CreateFromMethod(
            async (
                Kernel kernel,
                [Description("The name of the mail connection to send through.")] string connection,
                [Description("Recipients, comma-separated e-mail addresses.")] string to,
                [Description("The subject line.")] string subject,
                [Description("The message in Markdown; it is sent as plain text and as HTML.")] string text,
                [Description("Copy recipients, comma-separated e-mail addresses; optional.")] string? cc = null,
                CancellationToken ct = default) =>
            {
                var run = AgentToolContext.From(kernel);
                var server = MailServer.Of(run.UseConnection(connections, connection, ConnectionTypes.Mail));
                InternetAddresses(to, cc, out var toList, out var ccList);
                var hash = Hash(connection, to, cc, subject, text);
                var messageId = $"{run.Node.RunId}.{run.Node.Node.Id}.{hash[..12]}@chatflows";
                var sent = await MailSender.SendOnceAsync(run.Node.Effects, $"{Name}:{hash}", messageId, server, toList, ccList, subject.ReplaceLineEndings(" "), text, ct);
                return sent;
            },
            functionName: Name,
            description: "Sends an e-mail and returns {messageId, to, cc, subject}. Use only connections the agent lists; the same message is sent at most once per run step."));

    private static void InternetAddresses(string to, string? cc, out MimeKit.InternetAddressList toList, out MimeKit.InternetAddressList ccList)
    {
        try
        {
            toList = MailSender.Addresses(to, "to");
            ccList = MailSender.Addresses(cc, "cc");
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
        if (toList.Count == 0) throw new ArgumentException("to: give at least one recipient address.");
    }

    // The effect key: the same arguments give the same key, so a repeated call finds the first send.
    private static string Hash(string connection, string to, string? cc, string subject, string text)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new[] { connection, to, cc ?? "", subject, text });
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }
}
