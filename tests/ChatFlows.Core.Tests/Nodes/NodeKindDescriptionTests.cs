using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Nodes;

/// <summary>
/// Every node kind describes its form beside its config rules (README §Node kinds): the editor shows exactly the fields
/// validation reads, and a node made from a kind's default config, with its required fields filled, is valid.
/// </summary>
public sealed class NodeKindDescriptionTests
{
    private static readonly NodeRegistry Registry = NodeRegistry.CreateDefault();

    // A valid value for each required field a new node starts without; a new kind with another such field fails the
    // test until a value is added here.
    private static readonly Dictionary<string, JsonNode> Samples = new(StringComparer.Ordinal)
    {
        ["secret"] = "s3cret-value",
        ["connection"] = "main",
        ["agent"] = "summarizer",
        ["url"] = "https://example.com/items",
        ["query"] = "select 1",
        ["repository"] = "octo-org/website",
        ["title"] = "Broken build",
        ["workflow"] = "other-flow",
        ["expression"] = "trigger.n > 1",
        ["prompt"] = "Ship it?",
        ["to"] = "ops@example.com",
        ["subject"] = "Hello",
        ["text"] = "Hello {{ trigger.name }}",
        ["widget"] = "open-issues",
        ["knowledge"] = "runbook",
        ["value"] = "{{ trigger.count }}",
    };

    public static TheoryData<string> KindNames() => [.. Registry.Kinds.Select(k => k.Name)];

    [Fact]
    public void Kinds_EveryKind_HasALabelADescriptionAndATypeTheEditorKnows()
    {
        foreach (var kind in Registry.Kinds)
        {
            Assert.False(string.IsNullOrWhiteSpace(kind.Label), $"{kind.Name} has no label.");
            Assert.False(string.IsNullOrWhiteSpace(kind.Description), $"{kind.Name} has no description.");
            Assert.NotNull(NodeTypeInfo.Of(kind.Type));
            Assert.All(kind.Fields, f => Assert.Contains(f.Type, NodeFieldTypes.All));
            Assert.All(kind.Fields.Where(f => f.Type == NodeFieldTypes.Select), f => Assert.NotEmpty(f.Options!));
            Assert.All(kind.Fields.Where(f => f.Type == NodeFieldTypes.Connection), f => Assert.NotNull(f.ConnectionType));
            Assert.Equal(kind.Fields.Count, kind.Fields.Select(f => f.Name).Distinct().Count());
        }
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void NewConfig_DefaultConfigWithRequiredFieldsFilled_HasNoProblems(string name)
    {
        var kind = Registry.Kinds.Single(k => k.Name == name);
        var config = kind.NewConfig();
        foreach (var field in kind.Fields.Where(f => f.Required))
        {
            if (config[field.Name] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0) config.Remove(field.Name);
            if (config.ContainsKey(field.Name)) continue;
            Assert.True(Samples.TryGetValue(field.Name, out var sample), $"Add a valid sample for the required field '{field.Name}' of {name}.");
            config[field.Name] = sample.DeepClone();
        }

        var problems = new WorkflowValidator(Registry).Validate(Document(kind, config));

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Fields_ComparedWithWhatValidationReads_AreTheSame(string name)
    {
        var kind = Registry.Kinds.Single(k => k.Name == name);
        var described = kind.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        // Every field validation reads of a new node is described.
        var read = Read(kind, kind.NewConfig());
        var undescribed = read.Where(f => !described.Contains(f)).ToArray();
        Assert.True(undescribed.Length == 0, $"{name} reads {string.Join(", ", undescribed)} without describing it.");

        // Every described field is read by validation when it is set (for tool/github, with an action it belongs to).
        foreach (var field in kind.Fields)
        {
            var config = kind.NewConfig();
            if (field.Actions is { Count: > 0 } actions) config["action"] = actions[0];
            config[field.Name] = Value(field);
            Assert.True(Read(kind, config).Contains(field.Name), $"{name} describes '{field.Name}', but validation never reads it.");
        }
    }

    [Fact]
    public void Fields_TemplatesExpressionsAndMaps_AreMarked()
    {
        NodeField Field(string kind, string field) => Registry.Kinds.Single(k => k.Name == kind).Fields.Single(f => f.Name == field);

        Assert.True(Field("condition", "expression").Expression);
        Assert.False(Field("condition", "expression").Template);
        Assert.Equal(NodeFieldTypes.Map, Field("tool/http", "headers").Type);
        Assert.Equal(NodeFieldTypes.Map, Field("tool/http", "query").Type);
        Assert.True(Field("tool/http", "url").Template);
        Assert.True(Field("agent", "input").Template);
        Assert.True(Field("output/message", "text").Template);
        // The SQL query is never templated (parameters are); a cron expression is no template either.
        Assert.False(Field("tool/sql", "query").Template);
        Assert.True(Field("tool/sql", "parameters").Template);
        Assert.False(Field("trigger/schedule", "cron").Template);
    }

    [Fact]
    public void NewConfig_KindedType_StartsWithTheKindField()
    {
        var http = Registry.Kinds.Single(k => k.Name == "tool/http").NewConfig();
        var end = Registry.Kinds.Single(k => k.Name == "output/end").NewConfig();
        var condition = Registry.Kinds.Single(k => k.Name == "condition").NewConfig();

        Assert.Equal("""{"tool":"http","method":"GET","url":""}""", http.ToJsonString());
        Assert.Equal("""{"kind":"end"}""", end.ToJsonString());
        Assert.Equal("""{"expression":""}""", condition.ToJsonString());
    }

    [Fact]
    public void Kinds_Default_AreInThePalettesOrder()
    {
        Assert.Equal(
            ["trigger/manual", "trigger/command", "trigger/webhook", "trigger/schedule", "trigger/message", "trigger/reply", "trigger/email", "agent",
             "tool/http", "tool/sql", "tool/github", "tool/search", "tool/transform", "tool/delay", "tool/subworkflow", "condition", "approval",
             "output/message", "output/respond", "output/email", "output/widget", "output/end"],
            Registry.Kinds.Select(k => k.Name));
    }

    private static JsonNode Value(NodeField field) => field.Type switch
    {
        NodeFieldTypes.Bool => true,
        NodeFieldTypes.Number => 1,
        NodeFieldTypes.List => new JsonArray("x"),
        NodeFieldTypes.Json or NodeFieldTypes.Map => new JsonObject { ["a"] = "x" },
        NodeFieldTypes.Select => field.Options![0],
        _ => "x",
    };

    private static IReadOnlyCollection<string> Read(NodeKind kind, JsonObject config)
    {
        var node = Document(kind, config).Nodes.Single(n => n.Id == "node");
        var setup = new NodeSetup(node, "nodes/node", [], workflowId: "described");
        kind.Create(setup);
        return setup.FieldsRead;
    }

    private static WorkflowDocument Document(NodeKind kind, JsonObject config)
    {
        var nodes = new JsonArray();
        var edges = new JsonArray();
        if (!kind.IsTrigger)
        {
            nodes.Add(new JsonObject { ["id"] = "start", ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "manual" } });
            edges.Add(new JsonObject { ["from"] = "start", ["to"] = "node" });
        }
        nodes.Add(new JsonObject { ["id"] = "node", ["type"] = kind.Type, ["config"] = config.DeepClone() });
        var document = new JsonObject { ["id"] = "described", ["version"] = 1, ["nodes"] = nodes, ["edges"] = edges };
        return WorkflowJson.Parse(document.ToJsonString());
    }
}
