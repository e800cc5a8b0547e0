using ChatFlows.Core.Scheduling;

namespace ChatFlows.Core.Tests.Scheduling;

public sealed class CronScheduleTests
{
    [Fact]
    public void NextFireTimes_WeekdaysInBerlinFromAFriday_SkipsTheWeekend()
    {
        var times = CronSchedule.NextFireTimes("0 9 * * MON-FRI", "Europe/Berlin", Utc("2026-01-16T10:00:00Z"));

        Assert.Equal([Utc("2026-01-19T08:00:00Z"), Utc("2026-01-20T08:00:00Z"), Utc("2026-01-21T08:00:00Z")], times);
        Assert.All(times, t => Assert.Equal(TimeSpan.FromHours(1), t.Offset));
    }

    [Fact]
    public void Next_AcrossTheStartOfSummerTime_StaysAtNineLocal()
    {
        var schedule = CronSchedule.Parse("0 9 * * *", "Europe/Berlin");

        var times = schedule.Next(Utc("2026-03-27T12:00:00Z"), 3);

        Assert.Equal([Utc("2026-03-28T08:00:00Z"), Utc("2026-03-29T07:00:00Z"), Utc("2026-03-30T07:00:00Z")], times);
    }

    [Fact]
    public void Latest_AtAnOccurrence_IncludesIt()
    {
        var schedule = CronSchedule.Parse("*/15 * * * *");

        Assert.Equal(Utc("2026-01-15T09:15:00Z"), schedule.Latest(Utc("2026-01-15T09:15:00Z")));
        Assert.Equal(Utc("2026-01-15T09:15:00Z"), schedule.Latest(Utc("2026-01-15T09:29:59Z")));
    }

    [Fact]
    public void TryParse_NoZone_ReadsInUtcWithSecondsWhenSixFields()
    {
        Assert.True(CronSchedule.TryParse("30 0 9 * * *", null, out var schedule, out _));

        Assert.Equal(TimeZoneInfo.Utc, schedule.TimeZone);
        Assert.Equal(Utc("2026-01-15T09:00:30Z"), schedule.Next(Utc("2026-01-15T08:00:00Z")));
    }

    [Theory]
    [InlineData("0 9 * *", "UTC", "4 fields")]
    [InlineData("0 25 * * *", "UTC", "not a valid cron expression")]
    [InlineData("0 9 * * *", "Mars/Olympus", "not a known IANA time zone")]
    public void TryParse_BadCronOrZone_SaysWhy(string cron, string zone, string expected)
    {
        Assert.False(CronSchedule.TryParse(cron, zone, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => CronSchedule.Parse(cron, zone));
    }

    [Fact]
    public void Next_NeverAgain_ReturnsNothing()
    {
        var schedule = CronSchedule.Parse("0 9 30 2 *");

        Assert.Null(schedule.Next(Utc("2026-01-15T08:00:00Z")));
        Assert.Empty(schedule.Next(Utc("2026-01-15T08:00:00Z"), 3));
    }

    [Fact]
    public void SameTimesAs_SameExpressionAndZone_IsTrueOtherwiseFalse()
    {
        var nine = CronSchedule.Parse("0 9 * * *", "Europe/Berlin");

        Assert.True(nine.SameTimesAs(CronSchedule.Parse("0  9 * * *", "Europe/Berlin")));
        Assert.False(nine.SameTimesAs(CronSchedule.Parse("0 9 * * *", "UTC")));
        Assert.False(nine.SameTimesAs(CronSchedule.Parse("0 10 * * *", "Europe/Berlin")));
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
