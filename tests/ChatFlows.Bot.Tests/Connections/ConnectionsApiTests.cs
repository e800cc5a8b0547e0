using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Connections;

/// <summary>README §Connections: configured connections are listed with their settings, never their credentials.</summary>
public sealed class ConnectionsApiTests
{
    [Fact]
    public async Task List_ConfiguredConnection_ShowsSettingsButNotCredentials()
    {
        var fixture = new HostFixture(new Dictionary<string, string>
        {
            ["ChatFlows:Connections:team-mail:Type"] = "mail",
            ["ChatFlows:Connections:team-mail:Workflows:0"] = "mail-digest",
            ["ChatFlows:Connections:team-mail:ImapHost"] = "imap.example.test",
            ["ChatFlows:Connections:team-mail:Password"] = "never-shown-password",
        });
        await fixture.InitializeAsync();
        try
        {
            using var response = await fixture.Client.GetAsync("/api/connections");
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("never-shown-password", text, StringComparison.Ordinal);
            var item = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "team-mail");
            Assert.Equal("mail", item.GetProperty("type").GetString());
            Assert.Equal("mail-digest", item.GetProperty("workflows")[0].GetString());
            Assert.Equal("imap.example.test", item.GetProperty("settings").GetProperty("ImapHost").GetString());
            Assert.Equal("Password", item.GetProperty("credentials")[0].GetString());
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
