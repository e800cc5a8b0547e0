using System.Net;
using ChatFlows.Core.Http;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Core.Tests.Http;

/// <summary>The guarded client on its own, with DNS answers pinned by the test.</summary>
public sealed class GuardedHttpClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ObservedTime _time = new();
    private readonly Dictionary<string, IPAddress[]> _dns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _lookups = [];
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private GuardedHttpClient Client(params string[] allowedHosts) => new(new HttpToolOptions { AllowedHosts = [.. allowedHosts] }, _time, ResolveAsync);

    private Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        lock (_lookups) _lookups.Add(host);
        return _dns.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new InvalidOperationException($"no DNS answer for {host} in this test");
    }

    private Uri Url(string host, string path) => new($"http://{host}:{_server.Port}{path}");

    [Fact]
    public async Task SendAsync_NameResolvingToPublicAndPrivateAddresses_IsRefused()
    {
        _dns["mixed.example"] = [IPAddress.Parse("203.0.113.5"), IPAddress.Parse("10.0.0.7")];
        using var client = Client();

        var error = await Assert.ThrowsAsync<AddressRefusedException>(() =>
            client.SendAsync(new HttpToolRequest(HttpMethod.Get, Url("mixed.example", "/")), CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(
            "Refused to connect to 10.0.0.7 for host 'mixed.example' (a private address); add the host to ChatFlows:Http:AllowedHosts if it is meant to be reached.",
            error.Message);
    }

    [Fact]
    public async Task SendAsync_AllowedName_ConnectsToTheAddressItCheckedWithOneLookup()
    {
        // The system resolver knows no api.example: the request can only arrive if the checked address is used.
        _dns["api.example"] = [IPAddress.Loopback];
        _server.Map("/ping", 200, "pong", "text/plain");
        using var client = Client("api.example");

        var response = await client.SendAsync(new HttpToolRequest(HttpMethod.Get, Url("api.example", "/ping")), CancellationToken.None).WaitAsync(Patience);

        Assert.Equal((200, "pong"), (response.Status, response.ReadText()));
        Assert.Equal($"api.example:{_server.Port}", Assert.Single(_server.Received("/ping")).Header("Host"));
        Assert.Equal(["api.example"], _lookups);
    }

    [Fact]
    public async Task SendAsync_WildcardAllowedHost_CoversSubdomainsButNotTheDomainOrMetadata()
    {
        _dns["svc.corp.example"] = [IPAddress.Loopback];
        _dns["corp.example"] = [IPAddress.Loopback];
        _dns["meta.corp.example"] = [IPAddress.Parse("169.254.169.254")];
        _server.Map("/ping", 200, "pong", "text/plain");
        using var client = Client("*.corp.example");

        var allowed = await client.SendAsync(new HttpToolRequest(HttpMethod.Get, Url("svc.corp.example", "/ping")), CancellationToken.None).WaitAsync(Patience);
        var bare = await Assert.ThrowsAsync<AddressRefusedException>(() =>
            client.SendAsync(new HttpToolRequest(HttpMethod.Get, Url("corp.example", "/ping")), CancellationToken.None).WaitAsync(Patience));
        var metadata = await Assert.ThrowsAsync<AddressRefusedException>(() =>
            client.SendAsync(new HttpToolRequest(HttpMethod.Get, Url("meta.corp.example", "/ping")), CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(200, allowed.Status);
        Assert.Equal("a loopback address", bare.Reason);
        Assert.Equal("a cloud metadata endpoint", metadata.Reason);
        Assert.Single(_server.Received("/ping"));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_FailsNamingTheRequestAfterItsRetries()
    {
        // A port nobody listens on: take a free one from the OS and close it again.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = Client("127.0.0.1");

        var sending = client.SendAsync(new HttpToolRequest(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/x")) { MaxRetries = 1 }, CancellationToken.None);
        var backoff = await _time.TimerStartedOtherThanAsync(new HttpToolOptions().Timeout);
        _time.Advance(backoff);
        var error = await Assert.ThrowsAsync<HttpToolException>(() => sending.WaitAsync(Patience));

        Assert.StartsWith($"GET http://127.0.0.1:{port}/x failed (after 2 attempts): Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTextAsync_LongPage_ReturnsStatusAndTheStartOfTheText()
    {
        _server.Map("/page", 200, "<p>" + new string('a', 5000) + "</p>", "text/html");
        using var client = Client("127.0.0.1");

        var page = await client.GetTextAsync(new Uri(_server.Url("/page")), 100, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal((200, true, "text/html"), (page.Status, page.Truncated, page.MediaType));
        Assert.Equal("<p>" + new string('a', 97), page.Text);
    }

    [Fact]
    public async Task GetTextAsync_ErrorStatus_ReturnsItInsteadOfThrowing()
    {
        _server.Map("/gone", StatusCodes.Status410Gone, "moved away", "text/plain");
        using var client = Client("127.0.0.1");

        var page = await client.GetTextAsync(new Uri(_server.Url("/gone")), 100, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal((410, "moved away", false), (page.Status, page.Text, page.Truncated));
    }

    [Fact]
    public async Task GetTextAsync_PrivateAddress_IsRefused()
    {
        using var client = Client();

        var error = await Assert.ThrowsAsync<AddressRefusedException>(() =>
            client.GetTextAsync(new Uri("http://192.168.0.1/"), 100, CancellationToken.None).WaitAsync(Patience));

        Assert.Equal(IPAddress.Parse("192.168.0.1"), error.Address);
        Assert.Empty(_lookups);
    }
}
