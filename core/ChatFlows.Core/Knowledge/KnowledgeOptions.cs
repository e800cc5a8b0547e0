using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Core.Knowledge;

/// <summary>Settings of knowledge bases (<c>ChatFlows:Knowledge</c>, README §Knowledge).</summary>
public sealed class KnowledgeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChatFlows:Knowledge";

    /// <summary>Largest document accepted by upload or URL, in bytes (10 MiB by default); larger ones are refused with a 413.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many chunks go to the embeddings endpoint in one request (32 by default).</summary>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = 32;
}
