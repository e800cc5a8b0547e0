using System.ComponentModel;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Gives an agent with <c>knowledge: [ids]</c> the function <c>search_knowledge</c> (README §Knowledge), which searches
/// those bases and returns passages with their <c>source</c>, so that the answer can cite where each fact came from.
/// </summary>
public sealed class KnowledgeToolSource(KnowledgeBases bases) : IAgentToolSource
{
    /// <summary>The function's name, as the model calls it and as <c>confirm</c> may name it.</summary>
    public const string FunctionName = "search_knowledge";

    /// <summary>What the model is told the function does.</summary>
    public const string Description =
        "Searches the knowledge bases this agent may read (runbooks, docs, notes) and returns the closest passages as {results: [{text, source, score}], cite}. " +
        "Use it before answering questions those documents may cover, and cite the source of every fact you use, like (source: runbook.md).";

    /// <inheritdoc />
    public bool Owns(string entry) => entry == FunctionName;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AgentToolInfo>> ListAsync(CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<AgentToolInfo>>([]);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ValidationProblem>> CheckAsync(AgentDefinition agent, CancellationToken ct)
    {
        var problems = new List<ValidationProblem>();
        for (var i = 0; i < agent.Knowledge.Count; i++)
        {
            var id = agent.Knowledge[i];
            if (!KnowledgeBases.IsId(id)) problems.Add(new($"knowledge/{i}", $"'{id}' is not a knowledge base id; use lower-case letters, digits and dashes, like runbook."));
            else if (await bases.Store.GetBaseAsync(id, ct) is not { } found || found.Workspace != agent.Workspace) problems.Add(new($"knowledge/{i}", $"There is no knowledge base '{id}'; create it on the Knowledge page first, or remove it."));
        }
        for (var i = 0; i < agent.Tools.Count; i++)
        {
            if (Owns(agent.Tools[i]) && agent.Knowledge.Count == 0)
            {
                problems.Add(new($"tools/{i}", $"{FunctionName} comes with the agent's knowledge; list knowledge bases under knowledge instead."));
            }
        }
        for (var i = 0; i < agent.Confirm.Count; i++)
        {
            if (Owns(agent.Confirm[i]) && agent.Knowledge.Count == 0) problems.Add(new($"confirm/{i}", $"{FunctionName} is the agent's only when it has knowledge bases; add them under knowledge."));
        }
        return problems;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AgentFunction>> FunctionsAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct)
    {
        if (agent.Knowledge.Count == 0) return ValueTask.FromResult<IReadOnlyList<AgentFunction>>([]);
        var ids = agent.Knowledge.ToArray();
        var function = KernelFunctionFactory.CreateFromMethod(
            async ([Description("What to look for, in a few words or a question.")] string query,
                   [Description("How many passages to return, 1 to 20 (default 5).")] int? top = null,
                   CancellationToken cancel = default) =>
            {
                IReadOnlyList<KnowledgeHit> hits;
                try
                {
                    hits = await bases.SearchAsync(agent.Workspace, ids, query, Math.Clamp(top ?? KnowledgeBases.DefaultTop, 1, 20), cancel);
                }
                catch (KnowledgeException ex)
                {
                    throw new NodeException(ex.Message);
                }
                var sources = hits.Select(h => h.Source).Distinct(StringComparer.Ordinal).ToArray();
                return new
                {
                    results = hits.Select(h => new { text = h.Text, source = h.Source, score = h.Score }).ToArray(),
                    cite = hits.Count == 0
                        ? "Nothing was found; say that the knowledge bases do not cover this rather than guessing."
                        : $"Cite the source of each fact you use, like (source: {sources[0]}). Sources: {string.Join(", ", sources)}.",
                };
            },
            functionName: FunctionName,
            description: Description);
        return ValueTask.FromResult<IReadOnlyList<AgentFunction>>([new AgentFunction(FunctionName, function)]);
    }
}
