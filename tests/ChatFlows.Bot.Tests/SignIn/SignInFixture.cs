namespace ChatFlows.Bot.Tests.SignIn;

/// <summary>The test provider and a host that signs people in with it, shared by the tests of a class.</summary>
public sealed class SignInFixture : IAsyncLifetime
{
    public TestIdentityProvider Provider { get; private set; } = null!;

    public SignInHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync();
        Host = new SignInHost(Provider);
        // The first challenge reads the provider's metadata and keys; done here, a cold start does not eat a test's timeout.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Accept.ParseAdd("text/html");
        using var challenged = await Host.Client.SendAsync(page);
        using var provider = new HttpClient { BaseAddress = Provider.Authority };
        using var login = await provider.GetAsync(challenged.Headers.Location);
        login.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
