using System.Net;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.SignIn;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Roles;

/// <summary>
/// A host with sign-in through the test provider and a workspace <see cref="Workspace"/> whose grants give one
/// signed-in person each role (<see cref="Person"/>), plus <see cref="Nobody"/> with none: each signs in through the
/// provider's real authorization-code flow over HTTP and keeps the sign-in cookie in their own client.
/// </summary>
public sealed partial class RolesFixture : IAsyncLifetime
{
    public const string Workspace = "hr";
    public const string Nobody = "email:nobody@corp.example";

    /// <summary>The Playground channel bound to <see cref="Workspace"/>, where its workflows are started from chat.</summary>
    public const string Channel = "playground:hr-roles";

    private readonly Dictionary<Role, HttpClient> _clients = [];

    public TestIdentityProvider Provider { get; private set; } = null!;

    public SignInHost Host { get; private set; } = null!;

    /// <summary>The principal granted <paramref name="role"/> in <see cref="Workspace"/> (<see cref="Nobody"/> for none).</summary>
    public static string Person(Role role) => role == Role.None ? Nobody : $"email:{role.Name()}@corp.example";

    /// <summary>A client signed in as <see cref="Person"/>(<paramref name="role"/>).</summary>
    public HttpClient As(Role role) => _clients[role];

    public async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync();
        Host = new SignInHost(Provider);
        var services = Host.Services;
        await services.GetRequiredService<IWorkspaceStore>().CreateAsync(new Workspace(Workspace, "HR", WorkspacePolicy.Open, [Channel], DateTimeOffset.UtcNow));
        var grants = services.GetRequiredService<IWorkspaceGrants>();
        foreach (var role in RoleNames.Grantable)
        {
            await grants.SetAsync(new WorkspaceGrant(Workspace, Person(role), role, "test", DateTimeOffset.UtcNow));
        }
        foreach (var role in (Role[])[Role.None, .. RoleNames.Grantable])
        {
            var address = Person(role)["email:".Length..];
            _clients[role] = await SignInAsync(new TestPerson(address.Split('@')[0] + "-sub", address, address));
        }
    }

    /// <summary>Signs <paramref name="person"/> in through the provider as a browser would, and returns their client.</summary>
    public async Task<HttpClient> SignInAsync(TestPerson person)
    {
        Provider.User = person;
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(90),
        };
        using var start = new HttpRequestMessage(HttpMethod.Get, "/runs");
        start.Headers.Accept.ParseAdd("text/html");
        using var login = await client.SendAsync(start);
        var html = await login.Content.ReadAsStringAsync();
        var fields = HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.True(fields.Count > 0, $"The provider's sign-in page was expected, got {login.StatusCode}: {html[..Math.Min(html.Length, 300)]}");
        using var back = await client.PostAsync(new Uri(Provider.Authority, "connect/authorize"), new FormUrlEncodedContent(fields));
        Assert.True(back.RequestMessage!.RequestUri!.AbsolutePath == "/runs", $"Signed in, the browser was expected back on /runs, not {back.RequestMessage.RequestUri} ({back.StatusCode}).");
        return client;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values) client.Dispose();
        await Host.DisposeAsync();
        await Provider.DisposeAsync();
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
