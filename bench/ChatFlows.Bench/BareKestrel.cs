using System.Globalization;
using System.Text.Json;
using ChatFlows.Bot.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bench;

/// <summary>
/// The <c>bare-kestrel</c> subcommand: a minimal API doing what the benchmark's workflow does — verify the HMAC
/// signature, parse the JSON, compute, answer JSON — with no workflow and no storage, as its own process.
/// </summary>
internal static class BareKestrel
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = Options.Int(args, "--port", 5090);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/hooks/{id}", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (!WebhookSignature.IsValid(WebhookLoad.Secret, body, request.Headers[WebhookSignature.Header].ToString()))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }
            using var order = JsonDocument.Parse(body);
            var total = order.RootElement.GetProperty("quantity").GetDouble() * order.RootElement.GetProperty("price").GetDouble();
            return Results.Json(new { orderId = order.RootElement.GetProperty("orderId").GetString(), total, tier = total > 100 ? "large" : "small" });
        });
        await app.RunAsync();
        return 0;
    }
}
