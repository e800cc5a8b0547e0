using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Connections;

/// <summary>README §Connections: the values each setting takes, and tool/http naming an http connection.</summary>
public sealed class ConnectionTypesTests
{
    [Theory]
    [InlineData(ConnectionTypes.Mail, "SmtpPort", "587", null)]
    [InlineData(ConnectionTypes.Mail, "ImapPort", "0", "ImapPort must be a port number from 1 to 65535")]
    [InlineData(ConnectionTypes.Mail, "smtpport", "25x", "SmtpPort must be a port number")]
    [InlineData(ConnectionTypes.Mail, "Security", "STARTTLS", null)]
    [InlineData(ConnectionTypes.Mail, "Security", "tls", "Security must be one of none, ssl, starttls, auto")]
    [InlineData(ConnectionTypes.Database, "Provider", "postgres", null)]
    [InlineData(ConnectionTypes.Database, "Provider", "mysql", "Provider must be sqlite or postgres")]
    [InlineData(ConnectionTypes.Database, "ReadOnly", "yes", "ReadOnly must be true or false")]
    [InlineData(ConnectionTypes.Github, "ApiBaseUrl", "/api/v3", "ApiBaseUrl must be an absolute URL")]
    [InlineData(ConnectionTypes.Http, "BaseUrl", "https://api.example.test/v1/", null)]
    [InlineData(ConnectionTypes.Http, "BaseUrl", "file:///etc/passwd", "BaseUrl must be an absolute http:// or https:// URL")]
    [InlineData(ConnectionTypes.Http, "Headers:X-Api-Key", "k", null)]
    [InlineData(ConnectionTypes.Http, "Headers:Bad Name", "k", "'Bad Name' is not a valid header name")]
    [InlineData(ConnectionTypes.Http, "Headers:X-Api-Key", "a\nb", "must be one line")]
    [InlineData(ConnectionTypes.Mail, "SmtpPort", "", null)]
    public void ValueProblem_ForEachSetting_SaysWhatIsWrong(string type, string key, string value, string? expected)
    {
        var problem = ConnectionTypes.ValueProblem(type, key, value);

        if (expected is null) Assert.Null(problem);
        else Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpNodeWithConnection_TakesARelativeUrlButOnlyAnHttpConnection()
    {
        var registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions
        {
            Connections = new ConnectionRegistry(
            [
                new Connection("api", ConnectionTypes.Http, ["*"], new Dictionary<string, string> { ["BaseUrl"] = "https://api.example.test/" }, ConnectionRegistry.ConfiguredSource),
                new Connection("mail", ConnectionTypes.Mail, ["*"], new Dictionary<string, string>(), ConnectionRegistry.ConfiguredSource),
            ]),
        });
        var document = WorkflowJson.Parse("""
            {"id": "uses-api", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "good", "type": "tool", "config": {"tool": "http", "connection": "api", "url": "items"}},
              {"id": "wrong", "type": "tool", "config": {"tool": "http", "connection": "mail", "url": "items"}},
              {"id": "bare", "type": "tool", "config": {"tool": "http", "url": "items"}}],
             "edges": [{"from": "start", "to": "good"}, {"from": "start", "to": "wrong"}, {"from": "start", "to": "bare"}]}
            """);

        var problems = new WorkflowValidator(registry).Validate(document);

        Assert.Equal(["nodes/bare/config/url", "nodes/wrong/config/connection"], problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Contains("is a mail connection; this field needs an http connection", problems.Single(p => p.Path == "nodes/wrong/config/connection").Message, StringComparison.Ordinal);
    }
}
