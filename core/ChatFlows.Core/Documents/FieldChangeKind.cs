namespace ChatFlows.Core.Documents;

/// <summary>How one value differs between two versions of a workflow.</summary>
public enum FieldChangeKind
{
    /// <summary>Only the newer version has it.</summary>
    Added,

    /// <summary>Only the older version has it.</summary>
    Removed,

    /// <summary>Both have it, with different values.</summary>
    Changed,
}
