using ChatFlows.Bot.Slack;
using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>The services <c>AddSlack</c> registers, pointed at a <see cref="FakeSlackApi"/> (or other settings), outside a host.</summary>
internal static class SlackTestServices
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    /// <summary>Slack connected to <paramref name="fake"/> with its bot token.</summary>
    public static ServiceProvider Create(FakeSlackApi fake, TimeProvider? time = null) => Create(new Dictionary<string, string?>
    {
        ["ChatFlows:Slack:SigningSecret"] = SigningSecret,
        ["ChatFlows:Slack:BotToken"] = FakeSlackApi.DefaultBotToken,
        ["ChatFlows:Slack:ApiBaseUrl"] = fake.ApiBaseUrl,
    }, time);

    public static ServiceProvider Create(Dictionary<string, string?> settings, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        if (time is not null) services.AddSingleton(time);
        // What the host provides to the inbound side: the database (for event ids) and the application's lifetime.
        services.AddSingleton<StoreDatabase>(new SqliteDatabase($"Data Source={Path.Combine(Path.GetTempPath(), "chatflows-slack-services-unused.db")}"));
        services.AddSingleton<IHostApplicationLifetime, ApplicationLifetime>();
        services.AddSlack(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
