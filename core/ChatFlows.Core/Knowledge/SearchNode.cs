using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// <c>tool/search</c> (README §Knowledge): searches a knowledge base for a query (a template) and outputs the
/// closest chunks, <c>[{text, source, score}]</c>, best first.
/// </summary>
public sealed class SearchNode : INodeHandler
{
    private readonly string _path;
    private readonly string _knowledge;
    private readonly Template _query;
    private readonly int _top;
    private readonly KnowledgeBases? _bases;

    private SearchNode(string path, string knowledge, Template query, int top, KnowledgeBases? bases)
    {
        _path = path;
        _knowledge = knowledge;
        _query = query;
        _top = top;
        _bases = bases;
    }

    /// <summary>Registers the kind; its nodes search <c>options.Knowledge</c>.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "search", setup => Setup(setup, options.Knowledge))
        {
            Label = "Knowledge search",
            Description = "Finds the passages of a knowledge base closest to a question.",
            Config = new() { ["knowledge"] = "", ["query"] = "", ["top"] = KnowledgeBases.DefaultTop },
            Fields =
            [
                new("knowledge", "Knowledge base") { Required = true, Hint = "The base's id, as on the Knowledge page, like runbook." },
                new("query", "Query", NodeFieldTypes.Textarea) { Required = true, Template = true, Hint = "What to look for; a template, like {{ trigger.text }}." },
                new("top", "Results", NodeFieldTypes.Number) { Hint = $"1 to {KnowledgeBases.MaxTop} (default {KnowledgeBases.DefaultTop})." },
            ],
        });

    private static SearchNode? Setup(NodeSetup setup, KnowledgeBases? bases)
    {
        var knowledge = setup.String("knowledge", required: true);
        if (knowledge is not null && !KnowledgeBases.IsId(knowledge))
        {
            setup.Problem("knowledge", $"'{knowledge}' is not a knowledge base id; use lower-case letters, digits and dashes, like runbook.");
        }
        var query = setup.Template("query", required: true);
        var top = setup.Integer("top", 1, KnowledgeBases.MaxTop);
        if (setup.HasProblems) return null;
        return new SearchNode(setup.Path, knowledge!, query!, top ?? KnowledgeBases.DefaultTop, bases);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        if (_bases is null) throw new NodeException($"Knowledge bases are not available here, so {_path} cannot search '{_knowledge}'.");
        var query = (await _query.RenderAsync(context.Scope)).Trim();
        if (query.Length == 0) throw new NodeException($"The query of {_path} is empty for this run; check {_path}/config/query and the data it reads.");
        IReadOnlyList<KnowledgeHit> hits;
        try
        {
            hits = await _bases.SearchAsync(context.Workspace, [_knowledge], query, _top, ct);
        }
        catch (KnowledgeException ex)
        {
            throw new NodeException(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeException(ex.Message);
        }
        return NodeResult.Success(JsonSerializer.SerializeToElement(hits.Select(h => new { text = h.Text, source = h.Source, score = h.Score })));
    }
}
