namespace ChatFlows.Core.Knowledge;

/// <summary>A piece of a document with its embedding, as stored and searched.</summary>
/// <param name="Source">The document's source (file name or URL), which answers cite.</param>
/// <param name="Ordinal">Its place in the document, from 0.</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="Embedding">Its vector from the base's embedding model.</param>
public sealed record KnowledgeChunk(string Source, int Ordinal, string Text, float[] Embedding);

/// <summary>A search result: a chunk's text, the source to cite, and its cosine similarity to the query (-1 to 1).</summary>
public sealed record KnowledgeHit(string Text, string Source, double Score);
