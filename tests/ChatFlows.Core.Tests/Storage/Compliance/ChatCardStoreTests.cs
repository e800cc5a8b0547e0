using ChatFlows.Core.Messaging;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The chat card outbox's behaviour, the same on every database.</summary>
public abstract class ChatCardStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private DatabaseChatCardStore Store => new(Database, _time);

    [Fact]
    public async Task AddIntentAsync_ThenPosted_IsPendingUntilItsMessageIdIsRecorded()
    {
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Progress, "", "C1"));
        var pending = Assert.Single(await Store.ListPendingAsync());
        Assert.False(pending.IsPosted);

        await Store.MarkAttemptedAsync("run-1", ChatCard.Progress, "", _time.GetUtcNow());
        await Store.RecordPostedAsync("run-1", ChatCard.Progress, "", new PostedMessage("C1/1700.1", "1700.1"));

        Assert.Empty(await Store.ListPendingAsync());
        var card = await Store.FindAsync("run-1", ChatCard.Progress);
        Assert.Equal(("C1/1700.1", "1700.1", _time.GetUtcNow()), (card!.Message.Target, card.Message.MessageId, card.AttemptedAt));
    }

    [Fact]
    public async Task AddIntentAsync_SameCardTwice_SecondIsRefused()
    {
        Assert.True(await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Progress, "", "C1")));

        Assert.False(await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Progress, "", "C2")));
        Assert.Equal("C1", (await Store.FindAsync("run-1", ChatCard.Progress))!.Message.Target);
    }

    [Fact]
    public async Task AddIntentAsync_TwoInstancesAddTheSameCardAtOnce_ExactlyOneIsTold()
    {
        var other = new DatabaseChatCardStore(await SecondInstanceAsync(), _time);

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => (i % 2 == 0 ? Store : other).AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Progress, "", $"C{i}")))));

        Assert.Single(added, a => a);
    }

    [Fact]
    public async Task RecordFailedAsync_Unposted_LeavesThePendingListWithItsError()
    {
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Approval, "approve", "C1"));

        await Store.RecordFailedAsync("run-1", ChatCard.Approval, "approve", "channel_not_found");

        Assert.Empty(await Store.ListPendingAsync());
        var card = (await Store.FindAsync("run-1", ChatCard.Approval, "approve"))!;
        Assert.Equal(("channel_not_found", _time.GetUtcNow()), (card.LastError, card.FailedAt));
    }

    [Fact]
    public async Task DeleteAsync_PostedCard_IsKept()
    {
        await Store.AddAsync(new ChatCard("run-1", ChatCard.Progress, "", new PostedMessage("C1", "1700.1")));
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Approval, "approve", "C1"));

        await Store.DeleteAsync("run-1", ChatCard.Progress, "");
        await Store.DeleteAsync("run-1", ChatCard.Approval, "approve");

        var left = Assert.Single(await Store.ListAsync("run-1"));
        Assert.Equal(ChatCard.Progress, left.Kind);
    }

    [Fact]
    public async Task ListAsync_ProgressAndApprovals_ProgressFirstThenApprovalsInOrder()
    {
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Approval, "b", "C1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Approval, "a", "C1"));
        await Store.AddIntentAsync(ChatCard.Intent("run-1", ChatCard.Progress, "", "C1"));
        await Store.AddIntentAsync(ChatCard.Intent("run-2", ChatCard.Progress, "", "C1"));

        var cards = await Store.ListAsync("run-1");

        Assert.Equal(["progress:", "approval:b", "approval:a"], cards.Select(c => $"{c.Kind}:{c.NodeId}"));
    }
}

public sealed class SqliteChatCardStoreTests() : ChatCardStoreTests(StorageProvider.Sqlite);

public sealed class PostgresChatCardStoreTests() : ChatCardStoreTests(StorageProvider.Postgres);
