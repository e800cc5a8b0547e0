using System.Text.Json;
using ChatFlows.Bot.Cards;

namespace ChatFlows.Bot.Tests.Cards;

public sealed class AdaptiveCardTests
{
    private static AdaptiveCard EveryElement() => new()
    {
        Body =
        [
            new TextBlock { Text = "Deploy", Weight = TextWeight.Bolder, Size = TextSize.Medium, Color = TextColor.Good, Spacing = Spacing.Small, FontType = FontType.Monospace },
            new FactSet { Facts = [new Fact("Run", "r-1")] },
            new ColumnSet { Columns = [new Column { Width = "auto", VerticalContentAlignment = VerticalAlignment.Center, Items = [new TextBlock { Text = "✓" }] }] },
            new Container { Style = ContainerStyle.Emphasis, Items = [new TextBlock { Text = "inside" }] },
            new ActionSet { Actions = [new SubmitAction { Title = "Retry", Style = ActionStyle.Default }] },
            new TextInput { Id = "comment", Label = "Comment", IsMultiline = true },
        ],
        Actions = [new ExecuteAction { Title = "Approve", Verb = "approve", Style = ActionStyle.Positive, AssociatedInputs = AssociatedInputs.Auto }],
        FallbackText = "Deploy",
    };

    [Fact]
    public void ToJson_Card_IsAdaptiveCardOfSchemaOnePointFive()
    {
        var json = new AdaptiveCard { Body = [new TextBlock { Text = "hello" }] }.ToJson();

        Assert.Equal("AdaptiveCard", json.GetProperty("type").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", json.GetProperty("$schema").GetString());
        Assert.Equal("1.5", json.GetProperty("version").GetString());
        Assert.Equal("hello", json.GetProperty("body")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void ToJson_EveryElement_WritesSchemaTypeNames()
    {
        var json = EveryElement().ToJson();

        var body = json.GetProperty("body").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["TextBlock", "FactSet", "ColumnSet", "Container", "ActionSet", "Input.Text"], body);
        Assert.Equal("Column", json.GetProperty("body")[2].GetProperty("columns")[0].GetProperty("type").GetString());
        Assert.Equal("Action.Submit", json.GetProperty("body")[4].GetProperty("actions")[0].GetProperty("type").GetString());
        Assert.Equal("Action.Execute", json.GetProperty("actions")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void ToJson_EnumValues_AreSpelledAsTheSchemaSpellsThem()
    {
        var json = EveryElement().ToJson();
        var text = json.GetProperty("body")[0];

        Assert.Equal("Bolder", text.GetProperty("weight").GetString());
        Assert.Equal("Medium", text.GetProperty("size").GetString());
        Assert.Equal("Good", text.GetProperty("color").GetString());
        Assert.Equal("Small", text.GetProperty("spacing").GetString());
        Assert.Equal("Monospace", text.GetProperty("fontType").GetString());
        Assert.Equal("Center", json.GetProperty("body")[2].GetProperty("columns")[0].GetProperty("verticalContentAlignment").GetString());
        Assert.Equal("emphasis", json.GetProperty("body")[3].GetProperty("style").GetString());
        Assert.Equal("positive", json.GetProperty("actions")[0].GetProperty("style").GetString());
        Assert.Equal("auto", json.GetProperty("actions")[0].GetProperty("associatedInputs").GetString());
    }

    [Fact]
    public void ToJson_InputText_WritesIdLabelAndMultilineInCamelCase()
    {
        var input = EveryElement().ToJson().GetProperty("body")[5];

        Assert.Equal("comment", input.GetProperty("id").GetString());
        Assert.Equal("Comment", input.GetProperty("label").GetString());
        Assert.True(input.GetProperty("isMultiline").GetBoolean());
    }

    [Fact]
    public void ToJson_UnsetProperties_AreLeftOutRatherThanNullOrEmpty()
    {
        var json = new AdaptiveCard { Body = [new TextBlock { Text = "hello" }] }.ToJson();

        Assert.Equal(["type", "$schema", "version", "body"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["type", "text"], json.GetProperty("body")[0].EnumerateObject().Select(p => p.Name));
        Assert.Empty(CardQuery.NullsAndEmptyLists(EveryElement().ToJson()));
    }

    [Fact]
    public void ToJsonString_StatusMarks_StayReadable()
    {
        var card = new AdaptiveCard { Body = [new TextBlock { Text = "✅ succeeded · 3 min 4 s" }] };

        var text = card.ToJsonString();

        Assert.Contains("\"✅ succeeded · 3 min 4 s\"", text, StringComparison.Ordinal);
        Assert.Equal(card.ToJson().GetRawText(), JsonDocument.Parse(text).RootElement.GetRawText());
    }
}
