namespace ChatFlows.Core.Expressions;

/// <summary>One value a template or condition of a node can read, as the editor's data picker offers it.</summary>
/// <param name="Path">What to write: <c>data.check.items[0].name</c>, <c>trigger.args</c>, <c>secrets.API_TOKEN</c>.</param>
/// <param name="Type"><c>object</c>, <c>array</c>, <c>string</c>, <c>number</c>, <c>boolean</c>, <c>null</c> or <c>secret</c>.</param>
/// <param name="Example">The value in the sample it came from, shortened; null for objects and secrets.</param>
/// <param name="Source">
/// Where the example comes from: <c>pinned</c> (sample data saved with the workflow), <c>run</c> (the last run),
/// <c>shape</c> (the trigger kind's payload, with made-up values) or <c>secret</c> (a name only, never a value).
/// </param>
public sealed record DataPath(string Path, string Type, string? Example, string Source);
