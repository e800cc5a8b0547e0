using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// The bounds of every condition and template evaluation (<c>ChatFlows:Sandbox</c>): wall time, work, memory,
/// recursion and the length of any string or list built. A run that hits one fails the node with a message naming
/// the node and the key of the limit it hit (README §Security).
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChatFlows:Sandbox";

    /// <summary>The bounds used when none are configured.</summary>
    public static SandboxOptions Default { get; } = new();

    /// <summary>Longest wall time one condition evaluation may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ConditionTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most statements (the CPU budget) one condition evaluation may execute.</summary>
    [Range(100, 100_000_000)]
    public int ConditionMaxStatements { get; set; } = 100_000;

    /// <summary>Most bytes one condition evaluation may allocate.</summary>
    [Range(1_000_000, 1_000_000_000)]
    public long ConditionMaxMemoryBytes { get; set; } = 16_000_000;

    /// <summary>Deepest call nesting in a condition.</summary>
    [Range(1, 1_000)]
    public int ConditionMaxRecursion { get; set; } = 64;

    /// <summary>Most items an array built by a condition may hold.</summary>
    [Range(1_000, 100_000_000)]
    public int ConditionMaxArrayLength { get; set; } = 1_000_000;

    /// <summary>
    /// Most characters of any string a condition or template builds (a <c>repeat</c>, a <c>join</c>, an
    /// <c>assign</c>, a <c>capture</c>, an <c>append</c>, a rendering), and most items of a list a template builds.
    /// </summary>
    [Range(1_000, 100_000_000)]
    public int MaxStringLength { get; set; } = 1_000_000;

    /// <summary>
    /// Longest wall time one template rendering may take; a backstop behind the step and string limits, generous
    /// because the first rendering in a process includes compiling the template engine itself.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan TemplateTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most steps (statements, loop iterations) one template rendering may take.</summary>
    [Range(100, 100_000_000)]
    public int TemplateMaxSteps { get; set; } = 100_000;

    /// <summary>Deepest nesting of template blocks and includes.</summary>
    [Range(1, 1_000)]
    public int TemplateMaxRecursion { get; set; } = 32;
}
