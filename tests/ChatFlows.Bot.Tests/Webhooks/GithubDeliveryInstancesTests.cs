using System.Net;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary>README §GitHub webhooks: two instances on one database start one run for a delivery that reaches both.</summary>
public sealed class GithubDeliveryInstancesTests : IAsyncLifetime
{
    private const string Opened = """{"action": "opened", "issue": {"number": 12, "title": "Crash on start"}}""";
    private readonly HostFixture _first = new();
    private HostFixture _second = null!;

    public async Task InitializeAsync()
    {
        await _first.InitializeAsync();
        _second = new HostFixture(new Dictionary<string, string> { ["ChatFlows:Storage:ConnectionString"] = $"Data Source={_first.DatabasePath}" });
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task Post_SameDeliveryToTwoInstancesAtOnce_StartsOneRunBothAnswerWith()
    {
        await _first.CreateWorkflowAsync(GithubWebhookTests.GithubHook("gh-two-hosts", "two-hosts-secret"));
        var signature = GithubWebhookTests.Sign("two-hosts-secret", Opened);

        var answers = await Task.WhenAll(
            GithubWebhookTests.DeliverAsync(_first.Client, "/hooks/github", Opened, signature, "issues", "d-two-hosts"),
            GithubWebhookTests.DeliverAsync(_second.Client, "/hooks/github", Opened, signature, "issues", "d-two-hosts"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Accepted], answers.Select(a => a.StatusCode).Order());
        var runIds = new List<string>();
        foreach (var answer in answers)
        {
            using (answer) runIds.Add(Assert.Single((await HostFixture.ReadJsonAsync(answer)).GetProperty("runIds").EnumerateArray()).GetString()!);
        }
        Assert.Equal(runIds[0], runIds[1]);
        Assert.Equal("succeeded", (await _second.WaitForRunAsync(runIds[0])).GetProperty("status").GetString());
        Assert.Equal(1, (await _first.GetJsonAsync("/api/runs?workflow=gh-two-hosts")).GetProperty("items").GetArrayLength());
    }
}
