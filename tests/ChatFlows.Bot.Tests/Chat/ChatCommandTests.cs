using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Tests.Chat;

public sealed class ChatCommandTests
{
    [Theory]
    [InlineData("/run deploy-check service=api", "deploy-check")]
    [InlineData("deploy-check service=api", "deploy-check")]
    [InlineData("run deploy-check service=api", "deploy-check")]
    [InlineData("  /RUN   deploy-check   service=api  ", "deploy-check")]
    public void TryParse_RunWithOrWithoutPrefix_NamesWorkflowAndArgs(string text, string workflow)
    {
        Assert.True(ChatCommand.TryParse(text, out var command, out var error), error);

        Assert.Equal(ChatCommandKind.Run, command.Kind);
        Assert.Equal(workflow, command.Target);
        Assert.Equal("api", command.Args["service"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/run delegate 0199a1b2 to playground:bob", "0199a1b2", null, "playground:bob")]
    [InlineData("delegate 0199a1b2 ask to slack:U0BOB0001", "0199a1b2", "ask", "slack:U0BOB0001")]
    [InlineData("/run delegate 0199a1b2 to <@U0BOB0001|bob>", "0199a1b2", null, "slack:U0BOB0001")]
    [InlineData("/run delegate 0199a1b2 TO <@W0BOB0001>", "0199a1b2", null, "slack:W0BOB0001")]
    public void TryParse_Delegate_NamesRunNodeAndPerson(string text, string run, string? node, string person)
    {
        Assert.True(ChatCommand.TryParse(text, out var command, out var error), error);

        Assert.Equal(ChatCommandKind.Delegate, command.Kind);
        Assert.Equal(run, command.Target);
        Assert.Equal(node, command.Node);
        Assert.Equal(person, command.DelegateTarget);
    }

    [Theory]
    [InlineData("/run delegate")]
    [InlineData("/run delegate 0199a1b2")]
    [InlineData("/run delegate 0199a1b2 playground:bob")]
    [InlineData("/run delegate 0199a1b2 to")]
    [InlineData("/run delegate 0199a1b2 a b to playground:bob")]
    public void TryParse_DelegateWithoutRunOrPerson_SaysHowToWriteIt(string text)
    {
        Assert.False(ChatCommand.TryParse(text, out _, out var error));

        Assert.StartsWith("Say which approval and to whom: /run delegate <run id> [node] to <person>", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Approvals_IsTheInboxCommand()
    {
        Assert.True(ChatCommand.TryParse("/run approvals", out var command, out var error), error);

        Assert.Equal(ChatCommandKind.Approvals, command.Kind);
    }

    [Fact]
    public void HelpText_NamesTheApprovalCommands()
    {
        Assert.Contains("`/run approvals`", ChatCommands.HelpText, StringComparison.Ordinal);
        Assert.Contains("`/run delegate <run id> [node] to <person>`", ChatCommands.HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_QuotedValues_KeepSpacesAndEscapedQuotes()
    {
        Assert.True(ChatCommand.TryParse("""/run notify note="two words" who='Ada L' say="a \"quote\"" empty= n=3""", out var command, out var error), error);

        Assert.Equal("two words", command.Args["note"]!.GetValue<string>());
        Assert.Equal("Ada L", command.Args["who"]!.GetValue<string>());
        Assert.Equal("a \"quote\"", command.Args["say"]!.GetValue<string>());
        Assert.Equal("", command.Args["empty"]!.GetValue<string>());
        Assert.Equal("3", command.Args["n"]!.GetValue<string>());
    }

    [Fact]
    public void TryParse_CurlyQuotesFromChatClients_AreQuotes()
    {
        Assert.True(ChatCommand.TryParse("/run notify note=“two words”", out var command, out var error), error);

        Assert.Equal("two words", command.Args["note"]!.GetValue<string>());
    }

    [Fact]
    public void TryParse_OneJsonObject_KeepsItsTypes()
    {
        Assert.True(ChatCommand.TryParse("""/run deploy-check {"service": "api", "errors": 2.5, "dry": true}""", out var command, out var error), error);

        Assert.Equal("api", command.Args["service"]!.GetValue<string>());
        Assert.Equal(2.5, command.Args["errors"]!.GetValue<double>());
        Assert.True(command.Args["dry"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("/run deploy-check {\"service\": ", "not valid JSON")]
    [InlineData("/run deploy-check service", "'service' is not a key=value pair")]
    [InlineData("/run deploy-check =api", "is not a key=value pair")]
    [InlineData("/run deploy-check note=\"open", "The value of 'note' has no closing quote")]
    [InlineData("/run status", "Say which run: /run status <run id>")]
    [InlineData("/run cancel", "Say which run: /run cancel <run id>")]
    public void TryParse_BadInput_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(ChatCommand.TryParse(text, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    // What Slack and Teams deliver goes through the same reader as every other input (README §Input limits).
    [Theory]
    [InlineData("/run deploy-check {\"service\": \"a\", \"service\": \"b\"}", "has the property 'service' more than once")]
    [InlineData("/run deploy-check {\"errors\": 1e400}", "the number 1e400 at 'errors' is out of range")]
    [InlineData("/run deploy-check {\"note\": \"\\ud800\"}", "the string at 'note' holds an unpaired UTF-16 surrogate")]
    public void TryParse_ArgumentsThatCannotBeStored_NamesTheProblem(string text, string expected)
    {
        Assert.False(ChatCommand.TryParse(text, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RawUnpairedSurrogate_NamesWhere()
    {
        // Built in code: a lone surrogate in theory data would not survive test discovery.
        Assert.False(ChatCommand.TryParse("/run deploy-check note=" + '\ud800', out _, out var error));

        Assert.Contains("character 24 is an unpaired UTF-16 surrogate", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/run", ChatCommandKind.Help, null)]
    [InlineData("/run help", ChatCommandKind.Help, null)]
    [InlineData("/run list", ChatCommandKind.List, null)]
    [InlineData("/run status 0199abcd", ChatCommandKind.Status, "0199abcd")]
    [InlineData("/run cancel 0199abcd", ChatCommandKind.Cancel, "0199abcd")]
    [InlineData("LIST", ChatCommandKind.List, null)]
    public void TryParse_Keywords_GiveTheirCommand(string text, ChatCommandKind kind, string? target)
    {
        Assert.True(ChatCommand.TryParse(text, out var command, out var error), error);

        Assert.Equal(kind, command.Kind);
        Assert.Equal(target, command.Target);
    }

    [Fact]
    public void ToTrigger_KeyValueArgs_HaveTheShapeTheCliGives()
    {
        Assert.True(ChatCommand.TryParse("/run deploy-check service=api", out var command, out _));

        var trigger = command.ToTrigger("playground:ada", "playground:general", "playground:general#7");

        Assert.Equal("api", trigger.GetProperty("args").GetProperty("service").GetString());
        Assert.Equal("service=api", trigger.GetProperty("text").GetString());
        Assert.Equal("playground:ada", trigger.GetProperty("user").GetString());
        Assert.Equal("playground:general", trigger.GetProperty("channel").GetString());
        Assert.Equal("playground:general#7", trigger.GetProperty("thread").GetString());
    }

    [Theory]
    [InlineData("deplyo-check", "deploy-check")]
    [InlineData("deploy", "deploy-check")]
    [InlineData("standup", "standup-digest")]
    [InlineData("Digest", "digest")]
    public void ClosestNames_Mistyped_SuggestsTheIntendedName(string typed, string expected)
    {
        var names = new[] { "deploy-check", "standup-digest", "digest", "order-webhook", "release-notes" };

        Assert.Equal(expected, ClosestNames.Find(typed, names)[0]);
    }

    [Fact]
    public void ClosestNames_NothingClose_SuggestsNothing()
    {
        Assert.Empty(ClosestNames.Find("xyzzy", ["deploy-check", "standup-digest"]));
    }
}
