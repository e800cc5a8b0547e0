using System.Net;
using ChatFlows.Bot.Tests.Access;
using ChatFlows.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Audit;

/// <summary>README §Audit log: the API-key sign-in form records each sign-in and each failed one, with the address, never the key.</summary>
public sealed class AuditSignInTests
{
    private const string Key = "audit-sign-in-key-0123456789abcdef";

    [Fact]
    public async Task SignInForm_RightKey_IsRecordedAsTheKeysIdentityFromTheCallersAddress()
    {
        await using var host = new AccessHost(Key);
        using var browser = host.Client();

        using var response = await SignInForm.SubmitAsync(browser, Key, "/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = Assert.Single((await host.Services.GetRequiredService<IAuditLog>().ListAsync(new AuditQuery(Action: AuditActions.SignedIn))).Items);
        Assert.Equal(("local", "api-key", RemoteAddressOverride.OtherMachine), (entry.Actor, entry.Target, entry.Address));
    }

    [Fact]
    public async Task SignInForm_WrongKey_IsRecordedAsFailedWithTheAddressButNotTheKeyTyped()
    {
        await using var host = new AccessHost(Key);
        using var guesser = host.Client();
        const string Guess = "audit-wrong-guess-0123456789";

        using var response = await SignInForm.SubmitAsync(guesser, Guess, "/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var log = host.Services.GetRequiredService<IAuditLog>();
        var entry = Assert.Single((await log.ListAsync(new AuditQuery(Action: AuditActions.SignInFailed))).Items);
        Assert.Equal(("anonymous", "api-key", RemoteAddressOverride.OtherMachine), (entry.Actor, entry.Target, entry.Address));
        Assert.Empty((await log.ListAsync(new AuditQuery(Action: AuditActions.SignedIn))).Items);
        Assert.DoesNotContain(Guess, entry.ToString(), StringComparison.Ordinal);
    }
}
