namespace ChatFlows.Core.Testing;

/// <summary>
/// The clock of workflow tests: it stands still until the runner moves it to the next timed wait, so a delay of a day
/// passes at once and <c>run.startedAt</c> is the same on every run.
/// </summary>
internal sealed class TestClock : TimeProvider
{
    /// <summary>When every test run starts: a fixed Monday morning, UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now = Start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void MoveTo(DateTimeOffset when)
    {
        if (when > _now) _now = when;
    }
}
