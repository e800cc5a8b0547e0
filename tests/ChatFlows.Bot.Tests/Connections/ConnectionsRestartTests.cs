using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Access;
using ChatFlows.Core.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Connections;

/// <summary>README §Connections: a saved connection is loaded again at start-up, its credentials decrypted with the kept keys.</summary>
public sealed class ConnectionsRestartTests
{
    [Fact]
    public async Task SavedConnection_AfterRestart_IsListedAndUsableWithItsCredentials()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-connections-").FullName;
        try
        {
            await using (var host = new AccessHost(apiKey: null, folder: folder))
            {
                using var client = host.Client(remote: null);
                using var put = await client.PutAsync("/api/connections/kept-api", HostFixture.Json("""
                    {"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://kept.example.test/", "Headers": {"Authorization": "Bearer kept-4f8a"}}}
                    """));
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }

            await using var restarted = new AccessHost(apiKey: null, folder: folder);
            using var again = restarted.Client(remote: null);
            var list = JsonDocument.Parse(await again.GetStringAsync("/api/connections")).RootElement.GetProperty("items");
            var item = list.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "kept-api");
            Assert.Equal("stored", item.GetProperty("source").GetString());
            Assert.Equal("https://kept.example.test/", item.GetProperty("settings").GetProperty("BaseUrl").GetString());
            Assert.Equal("Bearer kept-4f8a", restarted.Services.GetRequiredService<ConnectionRegistry>().Find("kept-api")!.Setting("Headers:Authorization"));
        }
        finally
        {
            TestFolder.Delete(folder);
        }
    }
}
