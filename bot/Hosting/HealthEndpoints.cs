using ChatFlows.Canvas.Api;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Hosting;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the database answers too).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps the liveness and readiness endpoints.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).RequireRole(Role.None);
        app.MapGet("/readyz", IsReady).RequireRole(Role.None);
        return app;
    }

    private static IResult IsReady(StoreDatabase database)
    {
        try
        {
            using var connection = database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "select count(*) from workflows";
            command.ExecuteScalar();
            return TypedResults.Text("ready");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return TypedResults.Problem($"The database is not ready: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
