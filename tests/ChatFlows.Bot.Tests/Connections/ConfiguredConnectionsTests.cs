using ChatFlows.Bot.Connections;
using ChatFlows.Bot.Hosting;
using ChatFlows.Core.Connections;
using Microsoft.Extensions.Configuration;

namespace ChatFlows.Bot.Tests.Connections;

/// <summary>README §Connections: connections given in configuration, as the sample settings file gives them.</summary>
public sealed class ConfiguredConnectionsTests
{
    [Fact]
    public void Read_SampleSettingsFile_GivesAConnectionOfEveryType()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(CliProcess.RepositoryRoot, "appsettings.sample.json")).Build();

        var connections = ConfiguredConnections.Read(configuration);

        Assert.Equal(ConnectionTypes.All.Order(StringComparer.Ordinal), connections.Select(c => c.Type).Order(StringComparer.Ordinal));
        // The samples' connections are open only to the sample that uses each; the example API to every workflow.
        Assert.True(connections.Single(c => c.Name == "orders-db").Allows("approved-orders"));
        Assert.False(connections.Single(c => c.Name == "orders-db").Allows("any-workflow"));
        Assert.True(connections.Single(c => c.Name == "example-api").Allows("any-workflow"));
        Assert.Equal("587", connections.Single(c => c.Name == "team-mail").Setting("SmtpPort"));
        Assert.Empty(connections.Single(c => c.Name == "example-api").Credentials);
    }

    [Fact]
    public void Read_HttpHeadersFromSettingsAndAnEmptyHeadersObject_ReadsTheHeaders()
    {
        var json = new MemoryStream("""
            {"ChatFlows": {"Connections": {
              "status-api": {"Type": "http", "Workflows": "*", "BaseUrl": "https://status.example.com/", "Headers": {}},
              "deploy-api": {"Type": "http", "Workflows": "*", "BaseUrl": "https://deploy.example.com/"}}}}
            """u8.ToArray());
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(json)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ChatFlows:Connections:deploy-api:Headers:Authorization"] = "Bearer t0ken" })
            .Build();

        var connections = ConfiguredConnections.Read(configuration);

        Assert.Empty(connections.Single(c => c.Name == "status-api").Group("Headers"));
        Assert.Equal([new KeyValuePair<string, string>("Authorization", "Bearer t0ken")], connections.Single(c => c.Name == "deploy-api").Group("Headers"));
    }

    [Theory]
    [InlineData("SmtpPort", "70000", "ChatFlows:Connections:bad-mail:SmtpPort")]
    [InlineData("Security", "tls", "ChatFlows:Connections:bad-mail:Security")]
    public void Read_BadValue_StopsNamingTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatFlows:Connections:bad-mail:Type"] = "mail",
            [$"ChatFlows:Connections:bad-mail:{key}"] = value,
        }).Build();

        var error = Assert.Throws<BadSettingException>(() => ConfiguredConnections.Read(configuration));

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }
}
