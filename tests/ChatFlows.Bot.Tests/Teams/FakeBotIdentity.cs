using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// The identity side of the Bot Framework on real Kestrel (127.0.0.1, free ports): over plain http the OpenID metadata
/// (<c>/v1/.well-known/openidconfiguration</c>) and its JWKS (<c>/v1/.well-known/keys</c>, with <c>endorsements</c>) as
/// login.botframework.com serves them; over https (a self-signed certificate, as MSAL accepts https only) an Entra
/// token endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>) that grants client-credentials tokens for one app id and
/// secret and records each request. Tokens the Connector would send to the bot are signed here with its RSA key.
/// </summary>
internal sealed class FakeBotIdentity : IAsyncDisposable
{
    public const string KeyId = "fake-botframework-key";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly List<(string Tenant, Dictionary<string, string> Form)> _tokenRequests = [];
    private readonly Lock _gate = new();
    private int _issued;

    private FakeBotIdentity(WebApplication app, X509Certificate2 certificate, string appId, string appPassword)
    {
        _app = app;
        Certificate = certificate;
        AppId = appId;
        AppPassword = appPassword;
    }

    public string AppId { get; }

    public string AppPassword { get; }

    /// <summary>The https endpoint's certificate; the host's token client is told to trust it.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/v1/.well-known/openidconfiguration</c>.</summary>
    public string MetadataUrl => HttpBase + "/v1/.well-known/openidconfiguration";

    /// <summary><c>https://127.0.0.1:&lt;port&gt;/</c>, what <c>ChatFlows:Teams:AuthorityHost</c> is set to.</summary>
    public string AuthorityHost => _app.Urls.Single(u => u.StartsWith("https:", StringComparison.Ordinal)) + "/";

    private string HttpBase => _app.Urls.Single(u => u.StartsWith("http:", StringComparison.Ordinal));

    /// <summary>The token requests received so far: the tenant in the path and the form fields.</summary>
    public IReadOnlyList<(string Tenant, Dictionary<string, string> Form)> TokenRequests
    {
        get
        {
            lock (_gate) return _tokenRequests.ToArray();
        }
    }

    public static async Task<FakeBotIdentity> StartAsync(string appId, string appPassword)
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var fake = new FakeBotIdentity(app, certificate, appId, appPassword);
        app.MapGet("/v1/.well-known/openidconfiguration", fake.Metadata);
        app.MapGet("/v1/.well-known/keys", fake.Keys);
        app.MapPost("/{tenant}/oauth2/v2.0/token", fake.TokenAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>A token as the Connector sends with an activity; each part can be made wrong.</summary>
    public string CreateToken(
        string serviceUrl, string? audience = null, string issuer = "https://api.botframework.com", DateTimeOffset? expires = null, RSA? signWith = null)
    {
        var now = DateTimeOffset.UtcNow;
        var expiry = expires ?? now.AddMinutes(30);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience ?? AppId,
            IssuedAt = expiry.AddHours(-1).UtcDateTime,
            NotBefore = expiry.AddHours(-1).UtcDateTime,
            Expires = expiry.UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>A token with every right claim but no signature (<c>alg: none</c>).</summary>
    public string CreateUnsignedToken(string serviceUrl)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64Url(JsonSerializer.Serialize(new
        {
            iss = "https://api.botframework.com",
            aud = AppId,
            serviceurl = serviceUrl,
            nbf = now - 60,
            iat = now - 60,
            exp = now + 1800,
        }));
        return $"{header}.{payload}.";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
        Certificate.Dispose();
    }

    private IResult Metadata() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = "https://api.botframework.com",
        ["authorization_endpoint"] = "https://invalid.botframework.com",
        ["jwks_uri"] = HttpBase + "/v1/.well-known/keys",
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
    });

    private IResult Keys()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA", use = "sig", kid = KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent),
                    endorsements = new[] { "msteams", "emulator" },
                },
            },
        });
    }

    private async Task<IResult> TokenAsync(HttpContext http, string tenant)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        int issued;
        lock (_gate)
        {
            _tokenRequests.Add((tenant, form));
            issued = ++_issued;
        }
        if (form.GetValueOrDefault("client_id") != AppId || form.GetValueOrDefault("client_secret") != AppPassword)
        {
            return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
        }
        return Results.Json(new { token_type = "Bearer", expires_in = 3600, ext_expires_in = 3600, access_token = $"bot-token-{issued}" });
    }

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel on Linux needs the private key in a form it can load.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
