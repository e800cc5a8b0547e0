namespace ChatFlows.Core.Expressions;

/// <summary>
/// A condition or template hit one of its <see cref="SandboxOptions"/> limits. Not a JavaScript error, so a
/// condition's <c>try</c>/<c>catch</c> cannot swallow it and go on.
/// </summary>
internal sealed class SandboxLimitException(string message) : Exception(message)
{
    public static SandboxLimitException StringTooLong(double length, int limit) =>
        new($"a string would be {length:N0} characters long; the limit is {limit:N0} (ChatFlows:Sandbox:MaxStringLength).");
}
