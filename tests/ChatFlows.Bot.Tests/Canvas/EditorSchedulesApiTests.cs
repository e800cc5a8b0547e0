using System.Net;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary><c>GET /api/schedules/preview</c>: the next fire times the editor shows under a schedule trigger's cron.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class EditorSchedulesApiTests(HostFixture host)
{
    [Fact]
    public async Task Preview_ValidCronAndZone_ReturnsTheNextThreeTimesInThatZone()
    {
        var preview = await host.GetJsonAsync("/api/schedules/preview?cron=0%209%20*%20*%20MON-FRI&timeZone=Europe/Berlin");

        Assert.Equal("Europe/Berlin", preview.GetProperty("timeZone").GetString());
        var times = preview.GetProperty("next").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToArray();
        Assert.Equal(3, times.Length);
        Assert.All(times, t => Assert.Equal(9, t.Hour));
        Assert.All(times, t => Assert.InRange(t.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday));
        Assert.True(times[0] > DateTimeOffset.UtcNow && times[0] < times[1] && times[1] < times[2]);
    }

    [Theory]
    [InlineData("cron=61%20*%20*%20*%20*", "cron")]
    [InlineData("cron=", "cron")]
    [InlineData("cron=0%209%20*%20*%20*&timeZone=Mars/Olympus", "timeZone")]
    public async Task Preview_BadInput_Returns400NamingTheField(string query, string field)
    {
        using var response = await host.Client.GetAsync($"/api/schedules/preview?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty(field)[0].GetString()));
    }
}
