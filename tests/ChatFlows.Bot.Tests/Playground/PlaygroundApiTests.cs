using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>The Playground's HTTP API on the real host. Each test works in a channel of its own.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class PlaygroundApiTests(HostFixture host)
{
    [Fact]
    public async Task PostMessage_PlainText_IsStoredAndListed()
    {
        await CreateChannelAsync("api-plain");

        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/api-plain/messages", """{"user":"ada","text":"  hello *team*  "}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var posted = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.Null, posted.GetProperty("reply").ValueKind);
        var message = posted.GetProperty("message");
        var id = message.GetProperty("id").GetInt64();
        Assert.Equal("ada", message.GetProperty("author").GetString());
        Assert.Equal("hello *team*", message.GetProperty("text").GetString());
        Assert.False(message.GetProperty("fromBot").GetBoolean());

        var listed = Assert.Single((await host.GetJsonAsync("/playground/api/channels/api-plain/messages")).EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetInt64());
        Assert.Equal("api-plain", listed.GetProperty("channel").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("threadId").ValueKind);
        Assert.Equal(0, listed.GetProperty("replyCount").GetInt32());
        Assert.Equal("hello *team*", listed.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Thread_Replies_AreListedInOrderAndCountedOnTheRoot()
    {
        await CreateChannelAsync("api-thread");
        var root = await PostAsync("api-thread", """{"user":"ada","text":"deploy today?"}""");
        var first = await PostAsync("api-thread", $$"""{"user":"bob","text":"yes","threadId":{{root}}}""");
        var second = await PostAsync("api-thread", $$"""{"user":"ada","text":"great","threadId":{{root}}}""");

        var channel = Assert.Single((await host.GetJsonAsync("/playground/api/channels/api-thread/messages")).EnumerateArray());
        Assert.Equal(root, channel.GetProperty("id").GetInt64());
        Assert.Equal(2, channel.GetProperty("replyCount").GetInt32());

        var thread = await host.GetJsonAsync($"/playground/api/messages/{root}/thread");
        Assert.Equal(root, thread.GetProperty("root").GetProperty("id").GetInt64());
        Assert.Equal([first, second], thread.GetProperty("replies").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.All(thread.GetProperty("replies").EnumerateArray(), r => Assert.Equal(root, r.GetProperty("threadId").GetInt64()));

        // A reply's id opens the thread it is in.
        var fromReply = await host.GetJsonAsync($"/playground/api/messages/{second}/thread");
        Assert.Equal(root, fromReply.GetProperty("root").GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("""{"user":"a b","text":"hi"}""", "user")]
    [InlineData("""{"text":"hi"}""", "user")]
    [InlineData("""{"user":"someone-with-a-name-that-is-far-too-long-to-show","text":"hi"}""", "user")]
    [InlineData("""{"user":"ada","text":""}""", "text")]
    [InlineData("""{"user":"ada","text":"   "}""", "text")]
    [InlineData("""{"user":"ada","text":5}""", "text")]
    [InlineData("""{"user":"ada","text":"hi","threadId":999999}""", "threadId")]
    [InlineData("""{"user":"ada","text":"hi","threadId":"1"}""", "threadId")]
    public async Task PostMessage_InvalidField_AnswersProblemNamingIt(string body, string field)
    {
        await CreateChannelAsync("api-invalid");

        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/api-invalid/messages", body);

        await AssertProblemNamesAsync(response, field);
        Assert.Empty((await host.GetJsonAsync("/playground/api/channels/api-invalid/messages")).EnumerateArray());
    }

    [Fact]
    public async Task PostMessage_TextOverTheLimit_AnswersProblemNamingText()
    {
        await CreateChannelAsync("api-long");
        var body = JsonSerializer.Serialize(new { user = "ada", text = new string('x', 4001) });

        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/api-long/messages", body);

        await AssertProblemNamesAsync(response, "text");
    }

    [Fact]
    public async Task PostMessage_ThreadIdOfAReplyOrAnotherChannel_AnswersProblemNamingThreadId()
    {
        await CreateChannelAsync("api-thread-a");
        await CreateChannelAsync("api-thread-b");
        var root = await PostAsync("api-thread-a", """{"user":"ada","text":"root"}""");
        var reply = await PostAsync("api-thread-a", $$"""{"user":"ada","text":"reply","threadId":{{root}}}""");

        using var toReply = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/api-thread-a/messages", $$"""{"user":"ada","text":"x","threadId":{{reply}}}""");
        using var elsewhere = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/api-thread-b/messages", $$"""{"user":"ada","text":"x","threadId":{{root}}}""");

        await AssertProblemNamesAsync(toReply, "threadId");
        await AssertProblemNamesAsync(elsewhere, "threadId");
    }

    [Fact]
    public async Task Channels_CreateAndList_ValidatesTheName()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name":"api-new-channel"}""");
        using var again = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name":"api-new-channel"}""");
        using var bad = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name":"Not A Name"}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("api-new-channel", (await HostFixture.ReadJsonAsync(created)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await AssertProblemNamesAsync(bad, "name");
        var names = (await host.GetJsonAsync("/playground/api/channels")).EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray();
        Assert.Equal("general", names[0]);
        Assert.Contains("api-new-channel", names);
    }

    [Fact]
    public async Task UnknownChannelOrMessage_Answers404()
    {
        using var messages = await host.Client.GetAsync("/playground/api/channels/no-such-channel/messages");
        using var post = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/no-such-channel/messages", """{"user":"ada","text":"hi"}""");
        using var thread = await host.Client.GetAsync("/playground/api/messages/987654321/thread");

        Assert.Equal(HttpStatusCode.NotFound, messages.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, thread.StatusCode);
        await HostFixture.ReadProblemAsync(thread);
    }

    [Theory]
    [InlineData("""{"user":"ada","runId":"r1","nodeId":"ok","verb":"maybe"}""", "verb")]
    [InlineData("""{"user":"not valid!","runId":"r1","nodeId":"ok","verb":"approve"}""", "user")]
    [InlineData("""{"user":"ada","nodeId":"ok","verb":"approve"}""", "runId")]
    [InlineData("""{"user":"ada","runId":"r1","verb":"reject"}""", "nodeId")]
    public async Task Actions_InvalidField_AnswersProblemNamingIt(string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", body);

        await AssertProblemNamesAsync(response, field);
    }

    [Fact]
    public async Task Events_PostedMessage_ArrivesAsMessageCreated()
    {
        await CreateChannelAsync("api-events");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var stream = await host.Client.GetAsync("/playground/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));
        // The stream opens with a comment once the listener is subscribed; anything posted after it is delivered.
        Assert.Equal(": connected", await reader.ReadLineAsync(timeout.Token));

        var id = await PostAsync("api-events", """{"user":"ada","text":"live"}""");

        var created = await ReadEventAsync(reader, e => e.Type == "message.created" && e.Data.GetProperty("id").GetInt64() == id, timeout.Token);
        Assert.Equal("api-events", created.Data.GetProperty("channel").GetString());
        Assert.Equal("live", created.Data.GetProperty("text").GetString());
        Assert.Equal("ada", created.Data.GetProperty("author").GetString());
    }

    [Fact]
    public async Task Page_AndItsFiles_AreServed()
    {
        using var page = await host.Client.GetAsync("/playground");
        using var script = await host.Client.GetAsync("/playground/playground.js");
        using var cards = await host.Client.GetAsync("/lib/adaptivecards/adaptivecards.min.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-testid=\"composer-input\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cards.StatusCode);
    }

    private async Task CreateChannelAsync(string name)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name }));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> PostAsync(string channel, string body)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"/playground/api/channels/{channel}/messages", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await HostFixture.ReadJsonAsync(response)).GetProperty("message").GetProperty("id").GetInt64();
    }

    private static async Task AssertProblemNamesAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();
        Assert.Equal([field], errors);
    }

    private static async Task<ServerSentEvent> ReadEventAsync(StreamReader reader, Func<ServerSentEvent, bool> wanted, CancellationToken ct)
    {
        string? type = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var received = new ServerSentEvent(type!, JsonElement.Parse(line["data: ".Length..]));
                if (wanted(received)) return received;
            }
        }
        throw new InvalidOperationException("The event stream ended before the event arrived.");
    }
}
