namespace ChatFlows.Bot.Webhooks;

/// <summary>Registers the webhook trigger's settings.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>Binds and checks <see cref="WebhookOptions"/> at start-up.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("ChatFlows:Webhooks")
            .ValidateDataAnnotations()
            .Validate(o => o.ResponseTimeout > TimeSpan.Zero, "ChatFlows:Webhooks:ResponseTimeout must be positive, e.g. 00:00:30.")
            .Validate(o => o.SignatureWindow > TimeSpan.Zero, "ChatFlows:Webhooks:SignatureWindow must be positive, e.g. 00:05:00.")
            .ValidateOnStart();
        services.AddSingleton<WebhookReplays>();
        return services;
    }
}
