using System.Net;
using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Tests.Roles;

/// <summary>
/// <c>/api/w/{workspace}/members</c> on the real host (README §Workspaces and roles): an admin grants, changes and
/// removes roles, each change read back from the audit log; bad values are a 400 naming the field; the last admin stays.
/// </summary>
[Collection(RolesCollection.Name)]
public sealed class MembersApiTests(RolesFixture roles)
{
    private HttpClient Admin => roles.As(Role.Admin);

    [Fact]
    public async Task Put_AdminGrantsARole_ListsItAndTheAuditLogHasRoleGranted()
    {
        using var put = await Admin.PutAsync("/api/w/hr/members/slack-group:S0PAYROLL", HostFixture.Json("""{"role": "runner"}"""));
        using var list = await Admin.GetAsync("/api/w/hr/members");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var members = (await HostFixture.ReadJsonAsync(list)).GetProperty("members").EnumerateArray().ToArray();
        var member = Assert.Single(members, m => m.GetProperty("principal").GetString() == "slack-group:S0PAYROLL");
        Assert.Equal(("runner", RolesFixture.Person(Role.Admin)), (member.GetProperty("role").GetString(), member.GetProperty("grantedBy").GetString()));
        var entry = Assert.Single(await AuditAsync(AuditActions.RoleGranted, "slack-group:S0PAYROLL"));
        Assert.Equal(("hr", RolesFixture.Person(Role.Admin), "runner"), (entry.GetProperty("workspace").GetString(), entry.GetProperty("actor").GetString(), entry.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Delete_AdminRemovesARole_ItIsGoneAndTheAuditLogHasRoleRevoked()
    {
        using (var put = await Admin.PutAsync("/api/w/hr/members/teams:29-temp", HostFixture.Json("""{"role": "viewer"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var deleted = await Admin.DeleteAsync("/api/w/hr/members/teams:29-temp");
        using var again = await Admin.DeleteAsync("/api/w/hr/members/teams:29-temp");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var entry = Assert.Single(await AuditAsync(AuditActions.RoleRevoked, "teams:29-temp"));
        Assert.Equal(("hr", RolesFixture.Person(Role.Admin), "viewer"), (entry.GetProperty("workspace").GetString(), entry.GetProperty("actor").GetString(), entry.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("email:ana@corp.example", """{"role": "owner"}""", "role")]
    [InlineData("email:ana@corp.example", """{}""", "role")]
    [InlineData("slack:not-an-id", """{"role": "viewer"}""", "principal")]
    [InlineData("someone", """{"role": "viewer"}""", "principal")]
    public async Task Put_BadValue_Is400NamingTheField(string principal, string body, string field)
    {
        using var response = await Admin.PutAsync($"/api/w/hr/members/{Uri.EscapeDataString(principal)}", HostFixture.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task DeleteOrLower_TheLastAdmin_Is409AndTheAdminStays()
    {
        var admin = Uri.EscapeDataString(RolesFixture.Person(Role.Admin));

        using var removed = await Admin.DeleteAsync($"/api/w/hr/members/{admin}");
        using var lowered = await Admin.PutAsync($"/api/w/hr/members/{admin}", HostFixture.Json("""{"role": "editor"}"""));

        Assert.Equal(HttpStatusCode.Conflict, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lowered.StatusCode);
        Assert.Contains("is the only admin of workspace 'hr'", (await HostFixture.ReadProblemAsync(removed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var list = await Admin.GetAsync("/api/w/hr/members");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Put_GrantToAPerson_TheyCanDoWhatTheRoleAllowsAtOnce()
    {
        using var before = await roles.As(Role.None).GetAsync("/api/w/hr/workflows");
        using (var put = await Admin.PutAsync($"/api/w/hr/members/{Uri.EscapeDataString(RolesFixture.Nobody)}", HostFixture.Json("""{"role": "viewer"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        using var after = await roles.As(Role.None).GetAsync("/api/w/hr/workflows");
        using (await Admin.DeleteAsync($"/api/w/hr/members/{Uri.EscapeDataString(RolesFixture.Nobody)}"))
        {
        }

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    // Read back as an admin reads the audit log: GET /api/w/hr/audit with filters.
    private async Task<JsonElement[]> AuditAsync(string action, string target)
    {
        using var response = await Admin.GetAsync($"/api/w/hr/audit?action={action}&target={Uri.EscapeDataString(target)}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await HostFixture.ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToArray();
    }
}
