namespace ChatFlows.Bot.Chat;

/// <summary>Suggests the names closest to one that was mistyped ("deplyo-check" → "deploy-check").</summary>
public static class ClosestNames
{
    /// <summary>
    /// Up to <paramref name="max"/> names that contain <paramref name="typed"/>, start like it, or lie within a few
    /// edits of it (about one in three characters), closest first.
    /// </summary>
    public static IReadOnlyList<string> Find(string typed, IEnumerable<string> names, int max = 3)
    {
        var wanted = typed.ToLowerInvariant();
        var allowed = Math.Max(2, wanted.Length / 3);
        return names
            .Distinct(StringComparer.Ordinal)
            .Select(name => (Name: name, Distance: Distance(wanted, name.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed || c.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase) || wanted.Contains(c.Name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(c => c.Name)
            .ToArray();
    }

    // Optimal string alignment distance: a swap of two neighbours ("deplyo") counts as one edit, as people mistype.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
