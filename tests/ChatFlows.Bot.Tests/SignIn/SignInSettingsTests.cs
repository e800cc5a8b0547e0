using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Tests.SignIn;

/// <summary>Sign-in configured half-way or insecurely stops the host at start-up, naming the keys.</summary>
public sealed class SignInSettingsTests
{
    [Fact]
    public async Task Start_PlainHttpProviderElsewhereAndAnyoneAsLocalUser_StopsTheHostNamingTheKeys()
    {
        var message = await StartFailureAsync(new()
        {
            ["ChatFlows:Auth:Authority"] = "http://login.corp.example/realms/corp",
            ["ChatFlows:Auth:RequireHttpsMetadata"] = "false",
            ["ChatFlows:Auth:LocalUser"] = "anyone",
        });

        Assert.Contains("ChatFlows:Auth:Authority must use https", message, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Auth:ClientId must be set", message, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Auth:LocalUser must be one identity", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ScopesWithoutOpenIdAndABadApiKeyUser_StopsTheHostNamingTheKeys()
    {
        var message = await StartFailureAsync(new()
        {
            ["ChatFlows:Auth:Authority"] = "https://login.corp.example/realms/corp",
            ["ChatFlows:Auth:ClientId"] = "chatflows",
            ["ChatFlows:Auth:Scopes"] = "profile email",
            ["ChatFlows:Auth:ApiKeyUser"] = "email:not-an-address",
        });

        Assert.Contains("ChatFlows:Auth:Scopes must include openid", message, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Auth:ApiKeyUser must be one identity", message, StringComparison.Ordinal);
    }

    private static async Task<string> StartFailureAsync(Dictionary<string, string> settings)
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-signin-settings-").FullName;
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
                {
                    builder.UseSetting("urls", "http://127.0.0.1:0")
                        .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "chatflows.db")}")
                        .UseSetting("ChatFlows:Samples:Seed", "false");
                    foreach (var (key, value) in settings) builder.UseSetting(key, value);
                });
                factory.UseKestrel(0);
                factory.StartServer();
            });
            var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException ?? throw failure;
            return validation.Message;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestFolder.Delete(folder);
        }
    }
}
