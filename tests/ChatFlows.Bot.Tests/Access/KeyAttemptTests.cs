using System.Net;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>README §Security: an API key cannot be guessed faster than 10 wrong tries a minute per address, nor signed in with from another site.</summary>
public sealed class KeyAttemptTests
{
    private const string Key = "correct-horse-battery-staple-42";
    private const string OtherMachine = "198.51.100.77";

    [Fact]
    public async Task WrongBearerKeys_EleventhFromOneAddress_Gets429WithRetryAfter()
    {
        await using var host = new AccessHost(Key);
        using var guesser = host.Client();

        for (var guess = 1; guess <= 10; guess++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.SendAsync(Bearer($"guess-number-{guess}-is-wrong"))).StatusCode);
        }
        var eleventh = await guesser.SendAsync(Bearer("guess-number-11-is-wrong"));

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        var retryAfter = eleventh.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var problem = await HostFixture.ReadProblemAsync(eleventh);
        Assert.Contains($"try again in {retryAfter.Value.TotalSeconds:0} s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Even the right key waits at that address, or guessing would go on; another address is not held up.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.SendAsync(Bearer(Key))).StatusCode);
        using var colleague = host.Client(OtherMachine);
        Assert.Equal(HttpStatusCode.OK, (await colleague.SendAsync(Bearer(Key))).StatusCode);
    }

    [Fact]
    public async Task RightBearerKey_ManyCalls_AreNeverLimited()
    {
        await using var host = new AccessHost(Key);
        using var program = host.Client();

        for (var call = 0; call < 25; call++) Assert.Equal(HttpStatusCode.OK, (await program.SendAsync(Bearer(Key))).StatusCode);
    }

    [Fact]
    public async Task WrongSignInKeys_EleventhFromOneAddress_Gets429WithRetryAfter()
    {
        await using var host = new AccessHost(Key);
        using var guesser = host.Client();

        for (var guess = 1; guess <= 10; guess++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInForm.SubmitAsync(guesser, $"form-guess-{guess}-is-wrong", "/")).StatusCode);
        }
        var eleventh = await SignInForm.SubmitAsync(guesser, "form-guess-11-is-wrong", "/");

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.NotNull(eleventh.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in", WebUtility.HtmlDecode(await eleventh.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var colleague = host.Client(OtherMachine);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.SubmitAsync(colleague, Key, "/")).StatusCode);
    }

    [Fact]
    public async Task SignIn_FormPostedWithoutTheAntiforgeryToken_IsRefusedWithoutACookie()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client();

        // A page elsewhere that knows the key (or a planted one) posts the form on the visitor's behalf.
        var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["returnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery token", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("chatflows.access=", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Bearer(string key) =>
        new(HttpMethod.Get, "/api/workflows") { Headers = { { "Authorization", $"Bearer {key}" } } };
}
