using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Documents;

/// <summary>Secrets are credentials: only credential fields may name them, and only as <c>{{ secrets.NAME }}</c> alone.</summary>
public class SecretValidationTests
{
    private readonly WorkflowValidator _validator = new(NodeRegistry.CreateDefault());

    private IReadOnlyList<ValidationProblem> Validate(string node) =>
        _validator.Validate(WorkflowJson.Parse($$$"""
            {"id": "w", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}, {{{node}}}],
             "edges": [{"from": "start", "to": "n"}]}
            """));

    [Theory]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "http", "url": "https://api.example.com/", "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"}, "query": {"key": "{{secrets.API_TOKEN}}", "page": "{{ trigger.page | default: 1 }}"}}}""")]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "http", "url": "https://api.example.com/", "headers": {"X-Key": "{{- secrets.A -}}:{{ secrets.B }}"}}}""")]
    public void Validate_PlainSecretInCredentialField_Accepted(string node)
    {
        Assert.Empty(Validate(node));
    }

    [Theory]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "transform", "value": {"auth": "Bearer {{ secrets.API_TOKEN }}"}}}""", "nodes/n/config/value/auth")]
    [InlineData("""{"id": "n", "type": "output", "config": {"kind": "message", "text": "token {{ secrets.API_TOKEN }}"}}""", "nodes/n/config/text")]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "http", "url": "https://api.example.com/?k={{ secrets.API_TOKEN }}"}}""", "nodes/n/config/url")]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "https://api.example.com/", "body": {"key": "{{ secrets.API_TOKEN }}"}}}""", "nodes/n/config/body/key")]
    [InlineData("""{"id": "n", "type": "tool", "config": {"tool": "transform", "value": "{% assign s = secrets %}{{ s.API_TOKEN }}"}}""", "nodes/n/config/value")]
    public void Validate_SecretOutsideCredentialField_RefusedNamingPathAndWhereAllowed(string node, string path)
    {
        var problem = Assert.Single(Validate(node));

        Assert.Equal(path, problem.Path);
        Assert.Contains("secrets can be used only in credential fields (tool/http headers and query values, a webhook trigger's secret)", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("base64_encode")]
    [InlineData("upcase")]
    [InlineData("slice: 0, 4")]
    [InlineData("split: ''")]
    [InlineData("append: 'x'")]
    public void Validate_FilterOnSecretInHeader_Refused(string filter)
    {
        var problem = Assert.Single(Validate(
            """{"id": "n", "type": "tool", "config": {"tool": "http", "url": "https://api.example.com/", "headers": {"Authorization": "{{ secrets.API_TOKEN | """
            + filter + """ }}"}}}"""));

        Assert.Equal("nodes/n/config/headers/Authorization", problem.Path);
        Assert.Contains("cannot go through a filter", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConditionReadingSecrets_Refused()
    {
        var problems = Validate("""{"id": "n", "type": "condition", "config": {"expression": "secrets.API_TOKEN.length > 0"}}""");

        var problem = Assert.Single(problems, p => p.Path == "nodes/n/config/expression");
        Assert.Contains("A condition cannot read secrets", problem.Message, StringComparison.Ordinal);
    }
}
