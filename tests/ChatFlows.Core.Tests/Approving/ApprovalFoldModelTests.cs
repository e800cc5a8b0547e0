using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using CsCheck;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>
/// <see cref="ApprovalState.Fold"/> against a tiny reference model over generated journals (README §Approvals): each
/// person's first vote counts and later clicks are ignored, the escalation adds its approvers once, a delegation
/// moves the request from one person to another, and the quorum is reached exactly when the model says.
/// </summary>
public sealed class ApprovalFoldModelTests
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] People = ["slack:U1", "slack:U2", "slack:U3", "slack:U4", "slack:U9"];

    // kind 0..2 vote (person, approve), 3 reminder, 4 escalation, 5 delegation (person → other person)
    private sealed record Step(int Kind, int Person, bool Approve, int Other);

    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 5], Gen.Int[0, People.Length - 1], Gen.Bool, Gen.Int[0, People.Length - 1])
        .Select((kind, person, approve, other) => new Step(kind, person, approve, other));

    [Fact]
    public void Fold_GeneratedJournals_AgreeWithTheReferenceModel()
    {
        Gen.Select(Steps.Array[0, 24], Gen.Int[1, 3], Gen.Int[1, 2]).Sample((steps, quorum, rejectQuorum) =>
        {
            var request = new ApprovalRequest
            {
                Prompt = "Deploy?",
                Approvers = ["slack:U1", "slack:U2", "slack:U3"],
                RequestedAt = Nine,
                Policy = new ApprovalPolicy
                {
                    Quorum = quorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    RejectQuorum = rejectQuorum,
                    Escalate = new ApprovalEscalation { After = TimeSpan.FromMinutes(30), To = ["slack:U9", "slack:U1"] },
                },
            };
            var journal = new List<ApprovalEvent>();
            // The model: first vote per person; approvers as a list; escalation once; delegations in order.
            var votes = new Dictionary<string, bool>();
            var approvers = request.Approvers.ToList();
            var escalated = false;
            var delegations = 0;
            for (var i = 0; i < steps.Length; i++)
            {
                var step = steps[i];
                var at = Nine.AddSeconds(i);
                var who = People[step.Person];
                switch (step.Kind)
                {
                    case <= 2:
                        journal.Add(new ApprovalEvent("run", "ok", $"vote:{who}:{i}", ApprovalEventKinds.Vote, who, at,
                            JsonSerializer.SerializeToElement(new { decision = step.Approve ? "approved" : "rejected" })));
                        votes.TryAdd(who, step.Approve);
                        break;
                    case 3:
                        journal.Add(new ApprovalEvent("run", "ok", $"reminder:{i}", ApprovalEventKinds.Reminder, ApprovalEventKinds.System, at, default));
                        break;
                    case 4:
                        journal.Add(new ApprovalEvent("run", "ok", $"escalation:{i}", ApprovalEventKinds.Escalation, ApprovalEventKinds.System, at, default));
                        if (!escalated) approvers.AddRange(new[] { "slack:U9", "slack:U1" }.Where(a => !approvers.Contains(a)));
                        escalated = true;
                        break;
                    default:
                        var to = People[step.Other];
                        if (to == who) break;
                        journal.Add(new ApprovalEvent("run", "ok", $"delegation:{++delegations}", ApprovalEventKinds.Delegation, who, at,
                            JsonSerializer.SerializeToElement(new { from = who, to })));
                        approvers.Remove(who);
                        if (!approvers.Contains(to)) approvers.Add(to);
                        break;
                }
            }

            // Any order in, the same state out.
            var state = ApprovalState.Fold("run", "ok", request, journal.AsEnumerable().Reverse());

            Assert.Equal(votes.Keys.Order(StringComparer.Ordinal), state.Votes.Select(v => v.By).Order(StringComparer.Ordinal));
            Assert.All(state.Votes, v => Assert.Equal(votes[v.By], v.Approved));
            Assert.Equal(approvers, state.Approvers);
            Assert.Equal(escalated, state.Escalated);
            Assert.Equal(steps.Count(s => s.Kind == 3), state.Reminders);
            var approvals = votes.Values.Count(v => v);
            var rejections = votes.Values.Count(v => !v);
            Assert.Equal(approvals >= quorum ? "approved" : rejections >= rejectQuorum ? "rejected" : null, state.Outcome);
            Assert.Equal(state.Outcome is null && !escalated ? Nine.AddMinutes(30) : null, state.EscalatesAt);
        });
    }
}
