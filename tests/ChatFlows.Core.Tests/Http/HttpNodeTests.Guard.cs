using ChatFlows.Core.Http;
using ChatFlows.Core.Running;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Core.Tests.Http;

/// <summary>The address guard and redirects.</summary>
public sealed partial class HttpNodeTests
{
    [Fact]
    public async Task StartAsync_LoopbackWithoutAllowedHosts_IsRefusedBeforeConnecting()
    {
        _server.Map("/items", 200, "[]");

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/items")}}" """, new HttpToolOptions());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            "Refused to connect to 127.0.0.1 (a loopback address); add the host to ChatFlows:Http:AllowedHosts if it is meant to be reached.",
            run.Error!.Message);
        Assert.Empty(_server.Received("/items"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 (a cloud metadata endpoint)")]
    [InlineData("http://10.0.0.1/admin", "10.0.0.1 (a private address)")]
    [InlineData("http://[::ffff:192.168.1.1]/", "::ffff:192.168.1.1 (a private address)")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 (a cloud metadata endpoint)")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "host 'metadata.google.internal' (a cloud metadata endpoint)")]
    public async Task StartAsync_PrivateOrMetadataAddress_IsRefusedWithTheGuardsMessage(string url, string refused)
    {
        // Only loopback traffic may leave this machine: the guard must refuse these before any lookup or connection.
        var run = await RunFetchAsync($$""" "url": "{{url}}" """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith($"Refused to connect to {refused}", run.Error!.Message, StringComparison.Ordinal);
        Assert.EndsWith("add the host to ChatFlows:Http:AllowedHosts if it is meant to be reached.", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_RedirectFromAllowedHostToOneNotAllowed_IsRefusedNamingTheRedirect()
    {
        _server.Map("/start", (context, _) =>
        {
            context.Response.Redirect($"http://127.0.0.2:{_server.Port}/inside");
            return Task.CompletedTask;
        });
        var start = $"http://localhost:{_server.Port}/start";

        var run = await RunFetchAsync($$""" "url": "{{start}}" """, new HttpToolOptions { AllowedHosts = ["localhost"] });

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            $"Refused to connect to 127.0.0.2 (a loopback address), redirected from {start}; add the host to ChatFlows:Http:AllowedHosts if it is meant to be reached.",
            run.Error!.Message);
        Assert.Single(_server.Received("/start"));
    }

    [Theory]
    [InlineData("localhost", false)]
    [InlineData("127.0.0.1", true)]
    public async Task StartAsync_Redirect_KeepsAuthorizationOnlyWithinTheOrigin(string targetHost, bool kept)
    {
        _server.Map("/start", (context, _) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = $"http://{targetHost}:{_server.Port}/landing";
            return Task.CompletedTask;
        });
        _server.Map("/landing", 200, """{"landed": true}""");
        var options = new HttpToolOptions { AllowedHosts = ["127.0.0.1", "localhost"] };

        var run = await RunFetchAsync(
            $$""" "url": "{{_server.Url("/start")}}", "headers": {"Authorization": "Bearer s3cret", "Cookie": "session=1", "X-Trace": "t-1"} """, options);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("Bearer s3cret", Assert.Single(_server.Received("/start")).Header("Authorization"));
        var landing = Assert.Single(_server.Received("/landing"));
        Assert.Equal(kept ? "Bearer s3cret" : null, landing.Header("Authorization"));
        Assert.Equal(kept ? "session=1" : null, landing.Header("Cookie"));
        Assert.Equal("t-1", landing.Header("X-Trace"));
    }

    [Fact]
    public async Task StartAsync_PostAnswered303_FollowsWithGetAndNoBody()
    {
        _server.Map("/submit", (context, _) =>
        {
            context.Response.StatusCode = 303;
            context.Response.Headers.Location = "/result";
            return Task.CompletedTask;
        });
        _server.Map("/result", 200, """{"state": "queued"}""");

        var run = await RunFetchAsync($$""" "method": "POST", "url": "{{_server.Url("/submit")}}", "body": {"job": 1} """);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("queued", run.Node("fetch").Output!.Value.GetProperty("state").GetString());
        Assert.Equal("""{"job":1}""", Assert.Single(_server.Received("/submit")).Body);
        var result = Assert.Single(_server.Received("/result"));
        Assert.Equal(("GET", ""), (result.Method, result.Body));
    }

    [Fact]
    public async Task StartAsync_TooManyRedirects_FailsSayingSo()
    {
        _server.Map("/loop", (context, _) =>
        {
            context.Response.Redirect("/loop");
            return Task.CompletedTask;
        });
        var options = LocalOnly;
        options.MaxRedirects = 2;

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/loop")}}" """, options);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith($"GET {_server.Url("/loop")} was redirected more than 2 times (ChatFlows:Http:MaxRedirects)", run.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Received("/loop").Count);
    }
}
