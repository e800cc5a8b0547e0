namespace ChatFlows.Canvas.Api;

/// <summary>The answer of <c>POST /api/workflows/preview</c>: one template or condition rendered against the sample.</summary>
/// <param name="Text">The value as text: a string as itself, anything else as JSON; secrets as <c>••••</c>.</param>
/// <param name="Type"><c>string</c>, <c>number</c>, <c>boolean</c>, <c>object</c>, <c>array</c> or <c>null</c>.</param>
/// <param name="Truthy">For a condition, the branch it takes (true or false); null for templates.</param>
/// <param name="Truncated">True when <paramref name="Text"/> was cut to <see cref="DataPickerApi.MaxPreviewChars"/>.</param>
/// <param name="RunId">The run whose data it was rendered against; null when there was none.</param>
/// <param name="TriggerSource">Where <c>trigger</c> came from: <c>pinned</c>, <c>run</c> or <c>shape</c>.</param>
/// <param name="Pending">
/// Set instead of a value when the text failed only for want of data: upstream nodes that have not run (nor been
/// pinned); says which, and the error it gave.
/// </param>
internal sealed record DataPreview(string Text, string Type, bool? Truthy, bool Truncated, string? RunId, string TriggerSource, string? Pending);
