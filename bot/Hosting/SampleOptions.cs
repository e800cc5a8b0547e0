namespace ChatFlows.Bot.Hosting;

/// <summary>The sample workflows and agents put into a new database (<c>ChatFlows:Samples</c>).</summary>
public sealed class SampleOptions
{
    public const string SectionName = "ChatFlows:Samples";

    /// <summary>False starts with an empty database.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Where the samples are: <c>*.json</c> workflows and <c>agents/*.json</c>; empty means the ones shipped beside the executable.</summary>
    public string? Folder { get; set; }

    /// <summary>The folder samples are read from.</summary>
    public string ResolvedFolder => string.IsNullOrWhiteSpace(Folder) ? Path.Combine(AppContext.BaseDirectory, "samples") : Path.GetFullPath(Folder);
}
