namespace ChatFlows.Bot.Tests;

/// <summary>Removes the temporary folders test hosts keep their database and keys in.</summary>
public static class TestFolder
{
    /// <summary>
    /// Deletes <paramref name="path"/> and everything in it. A host that has just stopped may still close a file (the
    /// SQLite journal, a key ring) while the folder is removed, so a failed attempt is tried again a few times; a
    /// folder that still resists is left to the system's temp cleaning rather than failing the tests that used it.
    /// </summary>
    public static void Delete(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 10) return;
                Thread.Sleep(100 * attempt);
            }
        }
    }
}
