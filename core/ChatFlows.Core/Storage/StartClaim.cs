namespace ChatFlows.Core.Storage;

/// <summary>
/// An event from outside that must start at most one run, whichever instance sees it and however often (a mail
/// message by its UID, a GitHub delivery by its id): the store keeps one row per claim, written in the same
/// transaction as the run it starts.
/// </summary>
/// <param name="Source">What the key is unique within, e.g. <c>github:triage</c> or <c>email:inbox-watch:mail</c>.</param>
/// <param name="Key">The event's id within its source, e.g. a delivery id or <c>UIDVALIDITY:UID</c>.</param>
public sealed record StartClaim(string Source, string Key);
