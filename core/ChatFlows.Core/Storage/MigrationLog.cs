using System.Globalization;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Storage;

// DbUp's progress, at debug level: a start-up that applies nothing says nothing.
internal sealed class MigrationLog(ILogger logger) : IUpgradeLog
{
    public void LogTrace(string format, params object[] args) { }

    public void LogDebug(string format, params object[] args) { }

    public void LogInformation(string format, params object[] args) => logger.LogDebug("{Migration}", string.Format(CultureInfo.InvariantCulture, format, args));

    public void LogWarning(string format, params object[] args) => logger.LogWarning("{Migration}", string.Format(CultureInfo.InvariantCulture, format, args));

    public void LogError(string format, params object[] args) => logger.LogError("{Migration}", string.Format(CultureInfo.InvariantCulture, format, args));

    public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Migration}", string.Format(CultureInfo.InvariantCulture, format, args));
}
