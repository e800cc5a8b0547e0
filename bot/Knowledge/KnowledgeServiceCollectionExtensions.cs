using ChatFlows.Core.Agents;
using ChatFlows.Core.Http;
using ChatFlows.Core.Knowledge;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Knowledge;

/// <summary>Registers knowledge bases (README §Knowledge): their store, embeddings, the indexer and the agents' <c>search_knowledge</c>.</summary>
public static class KnowledgeServiceCollectionExtensions
{
    /// <summary>Adds knowledge bases; call after the storage migration is registered, so the indexer starts on the migrated schema.</summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IKnowledgeStore, DatabaseKnowledgeStore>();
        services.AddSingleton(sp => new KnowledgeEmbeddings(sp.GetRequiredService<ModelProfiles>()));
        services.AddSingleton(sp => new KnowledgeBases(
            sp.GetRequiredService<IKnowledgeStore>(), sp.GetRequiredService<KnowledgeEmbeddings>(), sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<GuardedHttpClient>(), sp.GetRequiredService<ILogger<KnowledgeBases>>()));
        services.AddSingleton<IAgentToolSource, KnowledgeToolSource>();
        services.AddHostedService<KnowledgeIndexingService>();
        return services;
    }
}
