namespace ChatFlows.Bot.Access;

/// <summary>The names sign-in is registered under.</summary>
public static class SignInDefaults
{
    /// <summary>The cookie scheme that keeps a person signed in.</summary>
    public const string CookieScheme = "ChatFlows.SignIn";

    /// <summary>The OpenID Connect scheme that sends browsers to the provider.</summary>
    public const string ProviderScheme = "ChatFlows.OpenIdConnect";

    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = "chatflows.signin";
}
