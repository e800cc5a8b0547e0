namespace ChatFlows.Bot.Hosting;

/// <summary>The sample workflows and agents put into a new database (<c>ChatFlows:Samples</c>).</summary>
public sealed class SampleOptions
{
    public const string SectionName = "ChatFlows:Samples";

    /// <summary>False starts with an empty database.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Where the samples are: <c>*.json</c> workflows and <c>agents/*.json</c>; by default the ones shipped beside the executable.</summary>
    public string Folder { get; set; } = Path.Combine(AppContext.BaseDirectory, "samples");
}
