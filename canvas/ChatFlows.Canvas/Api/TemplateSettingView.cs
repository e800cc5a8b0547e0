namespace ChatFlows.Canvas.Api;

/// <summary>
/// A template's setting with whether this host already has it: <c>ready</c> (the secret, connection, model profile or
/// agent exists), <c>missing</c>, <c>created</c> (an agent the template brings, made when the workflow is saved) or
/// <c>check</c> (a channel or value only a person can judge); <c>detail</c> says why in a sentence.
/// </summary>
internal sealed record TemplateSettingView(string Kind, string Name, string Description, string Where, string Status, string Detail);
