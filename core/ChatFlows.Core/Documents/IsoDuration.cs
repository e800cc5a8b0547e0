using System.Xml;

namespace ChatFlows.Core.Documents;

/// <summary>ISO-8601 durations such as <c>PT10S</c>, <c>PT4H</c> or <c>P1D</c>.</summary>
public static class IsoDuration
{
    /// <summary>Parses a duration; false for anything that is not an ISO-8601 duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        // XmlConvert tolerates surrounding spaces; a document should hold the duration exactly.
        if (string.IsNullOrWhiteSpace(text) || text[0] != 'P' || char.IsWhiteSpace(text[^1])) return false;
        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>A duration as ISO-8601 text.</summary>
    public static string Format(TimeSpan duration) => XmlConvert.ToString(duration);
}
