using System.Net;
using System.Text;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Roles;

/// <summary>
/// Every endpoint and page of the real host declares the role it needs (README §Workspaces and roles), and the host
/// holds to it: read from the host's own endpoint table, each rule is tried over HTTP in workspace 'hr' with a
/// signed-in person one role below (refused with a 403 naming the role) and one with the role (let through).
/// </summary>
[Collection(RolesCollection.Name)]
public sealed class EndpointRoleTests(RolesFixture roles)
{
    [Fact]
    public void Endpoints_EveryOneOfTheHost_DeclaresTheRoleItNeeds()
    {
        var undeclared = Endpoints().Where(e => e.Metadata.GetOrderedMetadata<RequiredRole>().Count == 0).Select(Describe).ToArray();

        Assert.True(undeclared.Length == 0, "These endpoints declare no role (add .RequireRole(…)): " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task Endpoints_CallerOneRoleBelow_IsRefusedNamingTheRoleAndCallerWithIt_IsLetThrough()
    {
        var failures = new List<string>();
        var tried = 0;
        foreach (var endpoint in Endpoints())
        {
            var needed = endpoint.Metadata.GetOrderedMetadata<RequiredRole>().Select(r => r.Role).DefaultIfEmpty(Role.None).Max();
            if (needed == Role.None) continue;
            foreach (var method in Methods(endpoint))
            {
                tried++;
                var path = InWorkspace(SamplePath(endpoint.RoutePattern));
                var (belowStatus, belowBody) = await SendAsync(roles.As(needed - 1), method, path, endpoint);
                if (belowStatus != HttpStatusCode.Forbidden || !belowBody.Contains($"This needs the {needed.Name()} role in workspace '{RolesFixture.Workspace}'", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {path} as {(needed - 1).Name()}: expected 403 naming {needed.Name()}, got {(int)belowStatus} {Cut(belowBody)}");
                }
                var (atStatus, atBody) = await SendAsync(roles.As(needed), method, path, endpoint);
                if (atStatus == HttpStatusCode.Forbidden && atBody.Contains("This needs the", StringComparison.Ordinal))
                {
                    failures.Add($"{method} {path} as {needed.Name()}: refused, {Cut(atBody)}");
                }
            }
        }

        Assert.True(tried > 60, $"Only {tried} endpoint rules were tried; the endpoint table was not read.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Page_ViewerOpensTheMembersPage_GetsAReadable403NamingAdmin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{RolesFixture.Workspace}/members");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await roles.As(Role.Viewer).SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This needs the admin role in workspace &#39;hr&#39;; you are a viewer.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_ViewerSavesAWorkflow_Gets403NamingEditorAndTheirRole()
    {
        using var response = await roles.As(Role.Viewer).PostAsync($"/api/w/{RolesFixture.Workspace}/workflows", HostFixture.Json("""{"id": "hr-viewer-save", "nodes": [], "edges": []}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Equal("This needs the editor role in workspace 'hr'; you are a viewer. Ask an admin of 'hr' (Members page).", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_SignedInPersonInAGrantedGroup_HasTheGroupsRole()
    {
        var grants = roles.Host.Services.GetRequiredService<IWorkspaceGrants>();
        await grants.SetAsync(new WorkspaceGrant(RolesFixture.Workspace, "group:payroll", Role.Admin, "test", DateTimeOffset.UtcNow));
        using var member = await roles.SignInAsync(new SignIn.TestPerson("gus-sub", "Gus", "gus@corp.example", ["staff", "payroll"]));
        using var outsider = await roles.SignInAsync(new SignIn.TestPerson("otto-sub", "Otto", "otto@corp.example", ["staff"]));

        using var allowed = await member.GetAsync($"/api/w/{RolesFixture.Workspace}/members");
        using var refused = await outsider.GetAsync($"/api/w/{RolesFixture.Workspace}/members");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("you are nobody there", (await HostFixture.ReadProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_KeyWithTheDefaultRole_IsAdminOfEveryWorkspace()
    {
        using var key = roles.Host.KeyClient();

        using var members = await key.GetAsync($"/api/w/{RolesFixture.Workspace}/members");

        Assert.Equal(HttpStatusCode.OK, members.StatusCode);
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        roles.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal);

    private static string Describe(RouteEndpoint endpoint) => $"{string.Join("|", Methods(endpoint))} /{endpoint.RoutePattern.RawText?.TrimStart('/')}";

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Where(m => m != HttpMethods.Head) is { } methods && methods.Any() ? methods : [HttpMethods.Get];

    // A value for each route parameter that names nothing stored, so a caller let through changes nothing.
    private static string SamplePath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "long" or "int") => "987654321",
                    RoutePatternParameterPart => "no-such-item",
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string InWorkspace(string path) => path.StartsWith("/api/", StringComparison.Ordinal)
        ? $"/api/w/{RolesFixture.Workspace}{path["/api".Length..]}"
        : $"/w/{RolesFixture.Workspace}{path}";

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string method, string path, RouteEndpoint endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        // Pages are asked for as a browser asks; everything else as a program, with an empty JSON object to write.
        if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()?.ContentTypes.Contains("text/html") == true) request.Headers.Accept.ParseAdd("text/html");
        if (method is "POST" or "PUT" or "PATCH") request.Content = HostFixture.Json("{}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // Streams (server-sent events) answer with their headers first; a refusal has a short body.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        // Pages say it in HTML, with quotes as entities.
        var body = response.StatusCode == HttpStatusCode.Forbidden ? WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(timeout.Token)) : "";
        return (response.StatusCode, body);
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
