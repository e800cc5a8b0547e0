namespace ChatFlows.Bot.Hosting;

/// <summary>
/// A setting read outside the options validators (e.g. <c>ChatFlows:Connections</c>) is wrong; the message names its
/// key and what it must be, and the host stops with that one line (see <see cref="StartupFailure"/>).
/// </summary>
public sealed class BadSettingException(string message) : InvalidOperationException(message);
