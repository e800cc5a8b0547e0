namespace ChatFlows.Core.Tests;

/// <summary>
/// Lines for the closing summary of <c>./test.sh</c> (how many generated cases a suite checked): appended to the file
/// that <c>CHATFLOWS_TEST_SUMMARY</c> names, which the script prints after the test run.
/// </summary>
internal static class TestSummary
{
    private static readonly Lock Gate = new();

    public static void Write(string line)
    {
        if (Environment.GetEnvironmentVariable("CHATFLOWS_TEST_SUMMARY") is not { Length: > 0 } path) return;
        lock (Gate) File.AppendAllText(path, line + Environment.NewLine);
    }
}
