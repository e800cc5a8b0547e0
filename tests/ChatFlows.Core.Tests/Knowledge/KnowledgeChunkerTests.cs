using ChatFlows.Core.Knowledge;

namespace ChatFlows.Core.Tests.Knowledge;

/// <summary>How documents are cut into chunks.</summary>
public sealed class KnowledgeChunkerTests
{
    [Fact]
    public void Split_ShortParagraphs_MakeOneChunk()
    {
        Assert.Equal(["One.\n\nTwo."], KnowledgeChunker.Split("One.\n\nTwo."));
    }

    [Fact]
    public void Split_Heading_StartsANewChunkWithoutOverlap()
    {
        Assert.Equal(["# Disk\n\nClear /tmp.", "# Memory\n\nRestart it."], KnowledgeChunker.Split("# Disk\n\nClear /tmp.\n\n# Memory\n\nRestart it."));
    }

    [Fact]
    public void Split_LongText_ChunksStayUnderTheLimitAndOverlap()
    {
        var words = string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"w{i}"));

        var chunks = KnowledgeChunker.Split(words);

        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, KnowledgeChunker.MaxChars + KnowledgeChunker.OverlapChars + 1));
        for (var i = 1; i < chunks.Count; i++)
        {
            var firstWord = chunks[i].Split(' ')[0];
            Assert.Contains($" {firstWord} ", $" {chunks[i - 1]} ", StringComparison.Ordinal);
        }
        Assert.EndsWith("w1999", chunks[^1], StringComparison.Ordinal);
    }
}
