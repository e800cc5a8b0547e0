using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The bot's own token for the Connector: client credentials of its Entra application for the scope
/// <c>https://api.botframework.com/.default</c>, from the <c>botframework.com</c> tenant (multi-tenant bots) or the
/// bot's tenant (single-tenant). MSAL keeps the token in its cache and fetches a new one shortly before it expires.
/// </summary>
public sealed class TeamsTokenProvider
{
    /// <summary>The scope of tokens for the Bot Framework Connector.</summary>
    public const string ConnectorScope = "https://api.botframework.com/.default";

    private static readonly string[] Scopes = [ConnectorScope];

    private readonly Lazy<IConfidentialClientApplication>? _application;

    public TeamsTokenProvider(IOptions<TeamsOptions> options, TeamsMsalHttpClientFactory httpClients)
    {
        var settings = options.Value;
        if (!settings.IsConfigured) return;
        _application = new Lazy<IConfidentialClientApplication>(() => ConfidentialClientApplicationBuilder
            .Create(settings.AppId!.Trim())
            .WithClientSecret(settings.AppPassword)
            // The authority is named in full, so no instance discovery against the public cloud is needed (and a
            // sovereign cloud or a local fake in tests works the same way).
            .WithAuthority(settings.Authority.ToString(), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(httpClients)
            .Build());
    }

    /// <summary>The bearer token for a Connector call; null in local emulator mode (no app id), where calls carry none.</summary>
    public async Task<string?> GetTokenAsync(CancellationToken ct)
    {
        if (_application is null) return null;
        try
        {
            var result = await _application.Value.AcquireTokenForClient(Scopes).ExecuteAsync(ct);
            return result.AccessToken;
        }
        catch (MsalServiceException e)
        {
            // AADSTS codes name the cause: 7000215 a wrong secret, 700016 an app id unknown in the tenant.
            throw new TeamsConnectorException("sign-in (the bot's token)", e.StatusCode == 0 ? 0 : e.StatusCode, e.ErrorCode, e.Message, e);
        }
        catch (MsalClientException e)
        {
            throw new TeamsConnectorException("sign-in (the bot's token)", 0, e.ErrorCode, e.Message, e);
        }
    }
}
