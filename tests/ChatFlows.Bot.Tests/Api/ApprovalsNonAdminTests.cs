using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// The approvals API for a person who is not in <c>ChatFlows:Approvals:Admins</c>: the host's local user is
/// <c>playground:ana</c> here, so the page and the API act as her.
/// </summary>
public sealed class ApprovalsNonAdminTests : IAsyncLifetime
{
    private HostFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = new HostFixture(new Dictionary<string, string> { ["ChatFlows:Auth:LocalUser"] = "playground:ana" });
        await _host.InitializeAsync();
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task ListApprovals_AllAsNonAdmin_Returns403NamingTheRoleAndMineStillLists()
    {
        await _host.CreateWorkflowAsync(ApprovalsApiTests.Workflow("ana-inbox", """["playground:ana", "playground:bo"]"""));
        var runId = await _host.StartRunAsync("ana-inbox", """{"service": "web"}""");
        await _host.WaitForRunAsync(runId, "waiting");

        using var all = await _host.Client.GetAsync("/api/approvals?all=true");
        var mine = await _host.GetJsonAsync("/api/approvals");

        Assert.Equal(HttpStatusCode.Forbidden, all.StatusCode);
        Assert.Contains("Only ChatFlows:Approvals:Admins may list every approval", (await HostFixture.ReadProblemAsync(all)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(mine.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(runId, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("runId").GetString());
    }

    [Fact]
    public async Task Reassign_AsNonAdmin_Returns403AndChangesNothing()
    {
        await _host.CreateWorkflowAsync(ApprovalsApiTests.Workflow("ana-reassign", """["playground:ana"]"""));
        var runId = await _host.StartRunAsync("ana-reassign", """{"service": "web"}""");
        await _host.WaitForRunAsync(runId, "waiting");

        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/approvals/ok/reassign", JsonSerializer.Serialize(new { approvers = new[] { "playground:bo" } }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("ChatFlows:Approvals:Admins", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var state = Assert.Single((await _host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Equal(["playground:ana"], state.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Delegate_ByNeitherAnApproverNorAnAdmin_Returns403AndChangesNothing()
    {
        await _host.CreateWorkflowAsync(ApprovalsApiTests.Workflow("ana-not-hers", """["playground:zed"]"""));
        var runId = await _host.StartRunAsync("ana-not-hers", """{"service": "web"}""");
        await _host.WaitForRunAsync(runId, "waiting");

        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/approvals/ok/delegate", """{"to": "playground:bo"}""");

        await ApprovalsApiTests.AssertStatusAsync(response, HttpStatusCode.Forbidden);
        var state = Assert.Single((await _host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Empty(state.GetProperty("delegations").EnumerateArray());
    }
}
