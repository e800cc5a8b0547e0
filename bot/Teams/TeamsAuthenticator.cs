using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Verifies that a request to <c>/api/messages</c> comes from the Bot Framework, as its authentication docs require of
/// bots that do it themselves: a bearer JWT signed with a key from the OpenID metadata's JWKS (with the algorithm the
/// metadata names), issued by <c>https://api.botframework.com</c>, for the bot's app id, within its lifetime (5 minutes
/// of skew), carrying a <c>serviceurl</c> claim equal to the activity's <c>serviceUrl</c>, and signed with a key
/// endorsed for the activity's channel. In local emulator mode (<see cref="TeamsOptions.Emulator"/>) only loopback
/// callers naming a loopback <c>serviceUrl</c> are accepted; with neither an app id nor emulator mode, nobody is.
/// </summary>
public sealed class TeamsAuthenticator
{
    /// <summary>The issuer of every token the Bot Framework sends to bots.</summary>
    public const string Issuer = "https://api.botframework.com";

    /// <summary>The HTTP client the OpenID metadata and the signing keys are read with.</summary>
    public const string MetadataClientName = "Teams.OpenIdMetadata";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TeamsOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new();

    public TeamsAuthenticator(IOptions<TeamsOptions> options, IHttpClientFactory httpClients)
    {
        _options = options.Value;
        var url = _options.OpenIdMetadataUrl.Trim();
        var retriever = new HttpDocumentRetriever(httpClients.CreateClient(MetadataClientName))
        {
            // Validated at start-up: plain http only to a loopback fake.
            RequireHttps = new Uri(url).Scheme == Uri.UriSchemeHttps,
        };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(url, new OpenIdConnectConfigurationRetriever(), retriever);
    }

    /// <summary>Checks the request that carried <paramref name="activity"/>.</summary>
    public async Task<TeamsAuthResult> AuthenticateAsync(HttpContext http, TeamsActivity activity, CancellationToken ct)
    {
        if (!_options.IsConfigured)
        {
            if (!_options.Emulator)
            {
                return TeamsAuthResult.Unauthorized(
                    $"Teams is not set up on this host: set {TeamsOptions.SectionName}:AppId and AppPassword of the Azure Bot, or {TeamsOptions.SectionName}:Emulator to true for local emulator mode.");
            }
            if (http.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                return TeamsAuthResult.Unauthorized(
                    $"This host runs in local emulator mode ({TeamsOptions.SectionName}:Emulator) and accepts requests from this machine only; set the app id and password of the Azure Bot to take requests from Teams.");
            }
            // Replies go to the serviceUrl without any check of who named it, so only this machine may be named.
            return TeamsOptions.IsLoopbackUrl(activity.ServiceUrl)
                ? TeamsAuthResult.Accepted
                : new TeamsAuthResult(StatusCodes.Status400BadRequest,
                    $"In local emulator mode ({TeamsOptions.SectionName}:Emulator) the activity's serviceUrl must be a loopback address (localhost, 127.0.0.1, [::1]); '{activity.ServiceUrl}' is not.");
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
            return TeamsAuthResult.Unauthorized("The request has no Bot Framework token (Authorization: Bearer <JWT>).");
        var token = header["Bearer ".Length..].Trim();

        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await _metadata.GetConfigurationAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not the caller's fault: the Bot Framework tries the delivery again.
            return new TeamsAuthResult(StatusCodes.Status503ServiceUnavailable,
                $"The Bot Framework's signing keys could not be read from {TeamsOptions.SectionName}:OpenIdMetadataUrl ({e.Message}).");
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(metadata));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys roll over: a token signed with a key newer than the cached ones gets one fresh look at the metadata.
            _metadata.RequestRefresh();
            metadata = await _metadata.GetConfigurationAsync(ct);
            result = await _handler.ValidateTokenAsync(token, Parameters(metadata));
        }
        if (!result.IsValid) return TeamsAuthResult.Unauthorized($"The Bot Framework token was refused: {Reason(result.Exception)}");

        var serviceUrl = result.Claims.FirstOrDefault(c => c.Key.Equals("serviceurl", StringComparison.OrdinalIgnoreCase)).Value as string;
        if (serviceUrl is null)
            return TeamsAuthResult.Unauthorized("The Bot Framework token was refused: it has no serviceurl claim.");
        if (!SameUrl(serviceUrl, activity.ServiceUrl))
            return TeamsAuthResult.Unauthorized($"The Bot Framework token was refused: it was issued for serviceUrl {serviceUrl}, but the activity names {activity.ServiceUrl}.");

        if (result.SecurityToken is JsonWebToken jwt && Endorsements(metadata, jwt.Kid) is { } endorsed
            && activity.ChannelId is { } channel && !endorsed.Contains(channel, StringComparer.OrdinalIgnoreCase))
        {
            // The docs ask for 403 here: the token is genuine, but its key is not endorsed for the channel the activity claims.
            return new TeamsAuthResult(StatusCodes.Status403Forbidden, $"The Bot Framework token's signing key is not endorsed for channel '{channel}'.");
        }
        return TeamsAuthResult.Accepted;
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration metadata) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = _options.AppId!.Trim(),
        IssuerSigningKeys = metadata.SigningKeys,
        ValidAlgorithms = metadata.IdTokenSigningAlgValuesSupported.Count > 0 ? metadata.IdTokenSigningAlgValuesSupported : [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
    };

    // The channels a key is endorsed for ("msteams", "emulator", …); null when the key lists none.
    private static string[]? Endorsements(OpenIdConnectConfiguration metadata, string? kid)
    {
        var key = metadata.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == kid);
        if (key is null || !key.AdditionalData.TryGetValue("endorsements", out var value)) return null;
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ToString()).ToArray(),
            IEnumerable<object> list => list.Select(e => e.ToString() ?? "").ToArray(),
            _ => null,
        };
    }

    private static bool SameUrl(string a, string? b) =>
        b is not null && string.Equals(a.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenInvalidAudienceException => $"its audience is not this bot's app id ({TeamsOptions.SectionName}:AppId).",
        SecurityTokenInvalidIssuerException => $"it was not issued by {Issuer}.",
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenNoExpirationException => "it has no expiry.",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm the Bot Framework does not use.",
        SecurityTokenSignatureKeyNotFoundException => "it is signed with a key the Bot Framework does not publish.",
        SecurityTokenInvalidSignatureException => "its signature is missing or invalid.",
        SecurityTokenMalformedException => "it is not a well-formed JWT.",
        null => "it is not valid.",
        _ => e.Message,
    };
}
