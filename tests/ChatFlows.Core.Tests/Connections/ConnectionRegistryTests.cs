using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Connections;

/// <summary>README §Connections: a node may name only a connection that exists, has its type and lists its workflow.</summary>
public sealed class ConnectionRegistryTests
{
    private static readonly ConnectionRegistry Registry = new(
    [
        new Connection("orders-db", ConnectionTypes.Database, ["orders"], new Dictionary<string, string> { ["Provider"] = "sqlite", ["ConnectionString"] = "Data Source=x.db" }, ConnectionRegistry.ConfiguredSource),
        new Connection("shared-mail", ConnectionTypes.Mail, ["*"], new Dictionary<string, string> { ["Password"] = "p4ss" }, ConnectionRegistry.ConfiguredSource),
    ]);

    [Theory]
    [InlineData("orders-db", ConnectionTypes.Database, "orders", null)]
    [InlineData("shared-mail", ConnectionTypes.Mail, "anything", null)]
    [InlineData("orders-db", ConnectionTypes.Database, "reports", "may not be used by workflow 'reports'")]
    [InlineData("orders-db", ConnectionTypes.Mail, "orders", "is a database connection; this field needs a mail connection")]
    [InlineData("missing", ConnectionTypes.Github, "orders", "There is no connection 'missing'")]
    [InlineData("Bad Name", ConnectionTypes.Github, "orders", "is not a connection name")]
    public void Problem_ForEachCase_SaysWhatIsWrong(string name, string type, string workflow, string? expected)
    {
        var problem = Registry.Problem(name, type, workflow);

        if (expected is null) Assert.Null(problem);
        else Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_OfAConnection_AreOnlyItsCredentialSettings()
    {
        var database = Registry.Find("orders-db")!;

        Assert.Equal([new KeyValuePair<string, string>("orders-db.ConnectionString", "Data Source=x.db")], database.Credentials);
    }

    [Fact]
    public void Validate_NodeNamingAConnectionItMayNotUse_FailsWithTheFieldPath()
    {
        var registry = new NodeRegistry { Connections = Registry }.Add(new NodeKind(NodeTypes.Tool, "probe", setup =>
        {
            setup.Connection("connection", ConnectionTypes.Database);
            return null;
        }));
        registry.Add(new NodeKind(NodeTypes.Trigger, "manual", _ => null));
        var document = WorkflowJson.Parse("""
            {"id": "reports", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "query", "type": "tool", "config": {"tool": "probe", "connection": "orders-db"}}],
             "edges": [{"from": "start", "to": "query"}]}
            """);

        var problems = new WorkflowValidator(registry).Validate(document);

        var problem = Assert.Single(problems, p => p.Path == "nodes/query/config/connection");
        Assert.Contains("may not be used by workflow 'reports'", problem.Message, StringComparison.Ordinal);
    }
}
