using Microsoft.Identity.Client;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Gives MSAL its HTTP clients from the host's <see cref="IHttpClientFactory"/> (client <see cref="ClientName"/>), so
/// token requests share pooled connections and can be configured like every other outbound client.
/// </summary>
public sealed class TeamsMsalHttpClientFactory(IHttpClientFactory factory) : IMsalHttpClientFactory
{
    /// <summary>The name of the HTTP client token requests use.</summary>
    public const string ClientName = "Teams.Tokens";

    /// <inheritdoc />
    public HttpClient GetHttpClient() => factory.CreateClient(ClientName);
}
