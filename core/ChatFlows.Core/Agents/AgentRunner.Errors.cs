using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Agents;

public sealed partial class AgentRunner
{
    private const int MaxDetailLength = 300;

    /// <summary>A model failure as a sentence naming the profile, its endpoint, what happened and which key to check.</summary>
    internal static string Describe(ModelProfile profile, Exception error)
    {
        var where = $"Model profile '{profile.Name}' ({profile.EffectiveEndpoint})";
        // OpenAI's client reports an answer that is not a success with its status; without an answer, the status is 0.
        if (Find<ClientResultException>(error) is { Status: > 0 } answered)
        {
            var status = (HttpStatusCode)answered.Status;
            return $"{where} answered {(int)status}{Words(status)}: {DetailOf(answered.GetRawResponse()?.Content?.ToString())}; {Hint(profile, status)}";
        }
        if (IsTimeout(error))
        {
            var timeout = GraphRunner.Describe(profile.Timeout ?? ModelProfile.DefaultTimeout);
            return $"{where} did not answer within {timeout}; raise {profile.Key("Timeout")} or use a faster model.";
        }
        if (Find<HttpRequestException>(error) is { } unreachable)
        {
            return $"{where} could not be reached: {unreachable.Message}; check {profile.Key("Endpoint")} and that the server is running.";
        }
        return $"{where} failed: {Innermost(error).Message}";
    }

    private static string Hint(ModelProfile profile, HttpStatusCode status) => (int)status switch
    {
        401 or 403 => $"check {profile.Key("ApiKey")}.",
        404 => profile.IsProvider(ModelProviders.AzureOpenAI)
            ? $"check {profile.Key("Deployment")} and {profile.Key("Endpoint")}."
            : $"check {profile.Key("Model")} and {profile.Key("Endpoint")}.",
        429 => "the provider is limiting requests or the quota is spent; try again later, or give the node a retry.",
        >= 500 => "the model server failed; try again later, or give the node a retry.",
        _ => $"the server refused the request; check {profile.Key("Model")} and the agent's settings.",
    };

    // OpenAI and most compatible servers answer {"error": {"message": …}}; some answer {"error": "…"}.
    private static string DetailOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "no details given";
        var detail = body.Trim();
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var errorElement))
            {
                if (errorElement.ValueKind == JsonValueKind.String) detail = errorElement.GetString()!;
                else if (errorElement.ValueKind == JsonValueKind.Object && errorElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    detail = message.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the text itself, shortened, is the best there is.
        }
        detail = detail.ReplaceLineEndings(" ").TrimEnd('.', ' ');
        return detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";
    }

    // " Internal Server Error" from InternalServerError; nothing for codes without a name.
    private static string Words(HttpStatusCode status)
    {
        var name = status.ToString();
        if (name.Length == 0 || char.IsDigit(name[0])) return "";
        var words = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c)) words.Append(' ');
            words.Append(c);
        }
        return words.ToString();
    }

    private static bool IsTimeout(Exception error) =>
        Find<TimeoutException>(error) is not null || Find<TaskCanceledException>(error) is not null;

    private static T? Find<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null) error = error.InnerException;
        return error;
    }
}
