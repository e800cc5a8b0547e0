using ChatFlows.Core.Knowledge;

namespace ChatFlows.Bot.Knowledge;

/// <summary>Indexes the documents added to knowledge bases (<see cref="KnowledgeBases.RunAsync"/>) for the life of the host.</summary>
internal sealed class KnowledgeIndexingService(KnowledgeBases bases) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => bases.RunAsync(stoppingToken);
}
