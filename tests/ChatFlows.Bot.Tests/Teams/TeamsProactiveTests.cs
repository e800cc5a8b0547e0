using System.Diagnostics;
using System.Net;
using ChatFlows.Bot.Teams;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>Messages nobody asked for: a scheduled digest to a chat the bot was added to, and none once it was removed.</summary>
public sealed class TeamsProactiveTests
{
    [Fact]
    public async Task ConversationUpdate_ThenSchedule_PostsTheDigestProactively()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 59, 0, TimeSpan.Zero));
        await using var host = await TeamsHost.StartAsync(time);
        var chat = Conversation.GroupChat;
        using var added = await host.PostActivityAsync(host.ConversationUpdate(chat));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        await host.Connector.WaitForAsync(c => c.Kind == "send" && c.Text!.Contains($"`teams:{chat.Id}`", StringComparison.Ordinal));
        await host.CreateWorkflowAsync($$$"""
            {"id": "daily", "name": "Daily digest", "version": 1, "nodes": [
              {"id": "nine", "type": "trigger", "config": {"kind": "schedule", "cron": "0 9 * * *", "timeZone": "UTC", "channel": "teams:{{{chat.Id}}}"}},
              {"id": "post", "type": "output", "config": {"kind": "message", "text": "*Daily digest* for {{ trigger.scheduledAt | date: '%Y-%m-%d' }}"}}
            ], "edges": [{"from": "nine", "to": "post"}]}
            """);

        var clock = Stopwatch.StartNew();
        while (!host.Connector.CallsOf("send").Any(c => c.Text!.Contains("Daily digest", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "The digest was not posted.");
            if (time.GetUtcNow() < new DateTimeOffset(2026, 11, 24, 9, 1, 0, TimeSpan.Zero)) time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }

        var digest = host.Connector.CallsOf("send").Single(c => c.Text!.Contains("Daily digest", StringComparison.Ordinal));
        Assert.Equal(chat.Id, digest.ConversationId);
        Assert.Equal("**Daily digest** for 2026-11-24", digest.Text);
        Assert.Equal("markdown", digest.Body.GetProperty("textFormat").GetString());
        Assert.StartsWith("Bearer bot-token-", digest.Authorization, StringComparison.Ordinal);
        // Posted unprompted, the digest is addressed from the stored conversation reference.
        host.Connector.AssertActivitiesAddressed(TeamsHost.BotId);
    }

    [Fact]
    public async Task Emulator_PostLater_NamesTheStoredChannelAndTheBot()
    {
        await using var host = await TeamsHost.StartAsync(emulator: true);
        var chat = Conversation.Personal;
        var added = (Dictionary<string, object?>)host.ConversationUpdate(chat);
        added["channelId"] = "emulator";
        using var response = await host.PostActivityAsync(added, token: "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var presenter = host.Services.GetRequiredService<TeamsPresenter>();

        await presenter.PostAsync(new ChatMessage { Target = $"teams:{chat.Id}", Text = "later", RunId = "r1", WorkflowId = "w", NodeId = "post" }, CancellationToken.None);

        // The Activity schema requires channelId and conversation.id on what a bot sends; both come from the stored reference.
        var later = host.Connector.CallsOf("send").Single(c => c.Text == "later");
        Assert.Equal("emulator", later.Body.GetProperty("channelId").GetString());
        Assert.Equal(chat.Id, later.Body.GetProperty("conversation").GetProperty("id").GetString());
        Assert.Equal(TeamsHost.BotId, later.Body.GetProperty("from").GetProperty("id").GetString());
    }

    [Fact]
    public async Task BotRemoved_RetiresTheReference_AndAPostThereSaysWhy()
    {
        await using var host = await TeamsHost.StartAsync();
        var channel = Conversation.Channel;
        using var added = await host.PostActivityAsync(host.ConversationUpdate(channel));
        using var removed = await host.PostActivityAsync(host.ConversationUpdate(channel, added: false));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        var reference = await host.Services.GetRequiredService<TeamsConversations>().FindAsync(channel.Id, CancellationToken.None);
        Assert.NotNull(reference?.RetiredAt);
        var presenter = host.Services.GetRequiredService<TeamsPresenter>();
        var message = new ChatMessage { Target = $"teams:{channel.Id}", Text = "hello", RunId = "r1", WorkflowId = "w", NodeId = "post" };
        var error = await Assert.ThrowsAsync<NodeException>(() => presenter.PostAsync(message, CancellationToken.None));
        Assert.Contains("the bot was removed from", error.Message, StringComparison.Ordinal);

        var unknown = message with { Target = "teams:19:never@thread.v2" };
        var never = await Assert.ThrowsAsync<NodeException>(() => presenter.PostAsync(unknown, CancellationToken.None));
        Assert.Contains("has not been added to teams:19:never@thread.v2", never.Message, StringComparison.Ordinal);
    }
}
