using System.Text.Json;
using ChatFlows.Core.Agents;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Tests.Agents;

public sealed class AgentToolCatalogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 1, 12, 30, 0, TimeSpan.Zero));

    private async Task<JsonElement> CurrentTimeAsync(string? timeZone)
    {
        var catalog = new AgentToolCatalog(_time);
        var arguments = new KernelArguments();
        if (timeZone is not null) arguments["timeZone"] = timeZone;
        var result = await catalog.Find(AgentToolCatalog.CurrentTime)!.Function.InvokeAsync(new Kernel(), arguments);
        return JsonSerializer.SerializeToElement(result.GetValue<object>());
    }

    [Fact]
    public async Task CurrentTime_WithTimeZone_ReturnsLocalTimeWithOffset()
    {
        var result = await CurrentTimeAsync("America/New_York");

        Assert.Equal("2026-07-01T08:30:00-04:00", result.GetProperty("time").GetString());
        Assert.Equal("America/New_York", result.GetProperty("timeZone").GetString());
        Assert.Equal("Wednesday", result.GetProperty("dayOfWeek").GetString());
    }

    [Fact]
    public async Task CurrentTime_WithoutTimeZone_ReturnsUtc()
    {
        var result = await CurrentTimeAsync(null);

        Assert.Equal("2026-07-01T12:30:00+00:00", result.GetProperty("time").GetString());
        Assert.Equal("UTC", result.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task CurrentTime_UnknownTimeZone_ThrowsSayingSo()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CurrentTimeAsync("Mars/Olympus_Mons"));

        Assert.Contains("'Mars/Olympus_Mons' is not a known IANA time zone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tools_NewCatalog_ListsCurrentTimeWithItsDescription()
    {
        var tool = Assert.Single(new AgentToolCatalog(_time).Tools);

        Assert.Equal("current_time", tool.Name);
        Assert.Contains("IANA time zone", tool.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_HostTool_IsListedInNameOrder()
    {
        var catalog = new AgentToolCatalog(_time)
            .Add("http_get", "Fetches a URL.", KernelFunctionFactory.CreateFromMethod((string url) => url, functionName: "http_get"));

        Assert.Equal(["current_time", "http_get"], catalog.Tools.Select(t => t.Name));
        Assert.True(catalog.Contains("http_get"));
        Assert.Equal("Fetches a URL.", catalog.Find("http_get")!.Description);
    }

    [Fact]
    public void Add_FunctionNamedDifferently_IsRefused()
    {
        var catalog = new AgentToolCatalog(_time);

        var error = Assert.Throws<ArgumentException>(() =>
            catalog.Add("http_get", "Fetches a URL.", KernelFunctionFactory.CreateFromMethod((string url) => url, functionName: "fetch")));

        Assert.StartsWith("The function for tool 'http_get' is named 'fetch'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Http_Get")]
    [InlineData("http-get")]
    [InlineData("")]
    public void Add_BadName_IsRefused(string name)
    {
        var catalog = new AgentToolCatalog(_time);

        Assert.Throws<ArgumentException>(() => catalog.Add(name, "x", KernelFunctionFactory.CreateFromMethod(() => 1, functionName: "x")));
    }
}
