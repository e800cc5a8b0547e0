using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Documents;

public class IsoDurationTests
{
    [Theory]
    [InlineData("PT10S", 10_000)]
    [InlineData("PT0.3S", 300)]
    [InlineData("PT5M", 300_000)]
    [InlineData("PT4H", 14_400_000)]
    [InlineData("P1D", 86_400_000)]
    [InlineData("P1DT2H30M", 95_400_000)]
    [InlineData("PT0S", 0)]
    public void TryParse_IsoDuration_ReturnsTimeSpan(string text, long milliseconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("10s")]
    [InlineData("10 seconds")]
    [InlineData("pt10s")]
    [InlineData("-PT10S")]
    [InlineData("PT")]
    [InlineData("PT10")]
    [InlineData("P1H")]
    [InlineData("PT10S ")]
    public void TryParse_NotAnIsoDuration_ReturnsFalse(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out var duration));

        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData(90, "PT1H30M")]
    [InlineData(0.5, "PT30S")]
    [InlineData(1440, "P1D")]
    public void Format_Minutes_WritesIsoDurationThatParsesBack(double minutes, string expected)
    {
        var duration = TimeSpan.FromMinutes(minutes);

        var text = IsoDuration.Format(duration);

        Assert.Equal(expected, text);
        Assert.True(IsoDuration.TryParse(text, out var parsed));
        Assert.Equal(duration, parsed);
    }
}
