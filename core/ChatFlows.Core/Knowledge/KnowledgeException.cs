namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Something about a request to a knowledge base that the caller must change: <see cref="Field"/> names what (<c>url</c>,
/// <c>file</c>, <c>model</c>), and the message says what to do.
/// </summary>
public sealed class KnowledgeException(string field, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The request field at fault.</summary>
    public string Field { get; } = field;
}
