namespace ChatFlows.Core.Documents;

/// <summary>One problem with a workflow document.</summary>
/// <param name="Path">Where, as a JSON path with node ids: <c>nodes/fetch/config/url</c>.</param>
/// <param name="Message">A sentence a person understands.</param>
public sealed record ValidationProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
