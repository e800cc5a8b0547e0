namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// The answer to a GitHub delivery that started no new run of the workflow it was sent to: a redelivery (with the run
/// the first delivery started) or an event the trigger does not take.
/// </summary>
/// <param name="RunId">The run the delivery started before, or null.</param>
/// <param name="Duplicate">True when this delivery id already started a run of the workflow.</param>
/// <param name="Message">What happened, in a sentence.</param>
public sealed record GithubDeliveryAnswer(string? RunId, bool Duplicate, string Message);

/// <summary>The answer of <c>POST /hooks/github</c>: the run of every workflow the delivery is for.</summary>
/// <param name="RunIds">The runs started (or, for a redelivery, started before), one per workflow.</param>
/// <param name="Runs">Per workflow: its run, whether it was a redelivery, or why it could not start.</param>
public sealed record GithubFanOutAnswer(IReadOnlyList<string> RunIds, IReadOnlyList<GithubDeliveries.Started> Runs);
